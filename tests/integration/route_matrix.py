"""Who may do what on every route of the app: the one table the authorization matrix walks.

Keys are "METHOD endpoint" for every method a rule of app.url_map answers (GET and POST); values give the
outcome for each role. test_route_authorization_matrix.py fails for a route missing here (declare it: a route
nobody declared is a route nobody decided who may use) and for an entry whose route is gone.

The records named in URLs are brand B's (tests/integration/route_walk.py, Walk.values). Roles: a guest; a
consumer; a partner of brand B; a guide and a store manager of brand B's store; brand A's admin (who must find
none of brand B's records); brand B's admin; a platform admin. POSTs carry a valid CSRF token and an empty form.
"""
from dataclasses import dataclass

ROLES = ("anonymous", "consumer", "partner", "guide", "store_manager", "admin_a", "admin_b", "platform")


@dataclass(frozen=True)
class Outcome:
    name: str
    statuses: frozenset[int]
    to_login: bool = False  # a redirect that must (True) or must not (False) go to the login page

    def __repr__(self) -> str:
        return self.name


PAGE = Outcome("page", frozenset({200}))
OPENS = Outcome("opens", frozenset({200, 302, 303}))  # the page, or a redirect to where it lives
REDIRECT = Outcome("redirect", frozenset({302, 303}))
MOVED = Outcome("moved", frozenset({301}))
NO_CONTENT = Outcome("no content", frozenset({204}))  # an htmx beacon: counted, nothing to show
DONE = Outcome("done", frozenset({302, 303}))  # the action ran (or said why not) and sent the user on
REFUSED_INPUT = Outcome("refused input", frozenset({400, 422}))  # the empty form, or a missing signature
SHOWN_AGAIN = Outcome("shown again", frozenset({200}))  # the log-in and sign-up forms, with their messages
ACTS = Outcome("acts", frozenset({200, 302, 303, 400, 409, 422}))  # done, or refused with a message
LOGIN = Outcome("log in", frozenset({302}), to_login=True)
FORBIDDEN = Outcome("forbidden", frozenset({403}))
NOT_FOUND = Outcome("not found", frozenset({404}))
NO_TOKEN = Outcome("no token", frozenset({401}))  # the API asks for its bearer token


def everyone(outcome: Outcome) -> dict[str, Outcome]:
    return dict.fromkeys(ROLES, outcome)


def signed_in(outcome: Outcome) -> dict[str, Outcome]:
    """Guests are sent to log in; every signed-in role gets `outcome`."""
    return {**everyone(outcome), "anonymous": LOGIN}


def only(outcome: Outcome, *roles: str, others: Outcome = NOT_FOUND) -> dict[str, Outcome]:
    """Guests log in; `roles` get `outcome`; the rest `others` (a 404: they need not learn the page exists)."""
    return {**signed_in(others), **dict.fromkeys(roles, outcome)}


# The admin console (mall/admin): staff below the brand admin get 403; brand A's admin gets 404 for brand B's
# records and their own (empty) lists otherwise; platform-only pages refuse every brand admin.
_STAFF = {"anonymous": LOGIN, "consumer": FORBIDDEN, "partner": FORBIDDEN, "guide": FORBIDDEN,
          "store_manager": FORBIDDEN}
ADMIN_LIST = {**_STAFF, "admin_a": OPENS, "admin_b": OPENS, "platform": OPENS}
ADMIN_ACTION = {**_STAFF, "admin_a": ACTS, "admin_b": ACTS, "platform": ACTS}
ADMIN_RECORD = {**_STAFF, "admin_a": NOT_FOUND, "admin_b": OPENS, "platform": OPENS}
ADMIN_RECORD_ACTION = {**_STAFF, "admin_a": NOT_FOUND, "admin_b": ACTS, "platform": ACTS}
PLATFORM_PAGE = {**_STAFF, "admin_a": FORBIDDEN, "admin_b": FORBIDDEN, "platform": OPENS}
PLATFORM_ACTION = {**_STAFF, "admin_a": FORBIDDEN, "admin_b": FORBIDDEN, "platform": ACTS}
# The partner dashboard: partners and guides (a guide is a partner who works in a store) see their own.
PARTNER_PAGE = only(PAGE, "partner", "guide")

EXPECTED: dict[str, dict[str, Outcome]] = {
    # The shop: public pages, and links whose code or token is the key (an order's page opens for whoever
    # holds its unguessable token, as the buyer shares it with the person who pays).
    "GET catalog.home": everyone(PAGE),
    "GET catalog.brand": everyone(PAGE),
    "GET catalog.product": everyone(PAGE),
    "POST orders.buy": everyone(REFUSED_INPUT),
    "GET orders.show": everyone(PAGE),
    "POST orders.cancel": everyone(DONE),  # brand B's order is paid: "can no longer be cancelled"
    "POST orders.pay": everyone(DONE),
    "POST orders.refund": everyone(REFUSED_INPUT),
    "GET orders.mine": {**everyone(PAGE), "anonymous": REDIRECT},  # a guest is offered the look-up by phone
    "GET mockpay.pay": everyone(PAGE),
    "POST mockpay.pay": everyone(REFUSED_INPUT),
    "POST payments.notify": everyone(REFUSED_INPUT),  # unsigned: the provider's signature is the credential
    "GET media.image": everyone(PAGE),
    "GET static": everyone(PAGE),
    "GET i18n.switch": everyone(REDIRECT),
    # Development: open. Production: METRICS_TOKEN only (tests/integration/test_metrics.py).
    "GET metrics": everyone(PAGE),
    # Referral links and codes: a touch is recorded and the visitor sent on.
    "GET referral.product_link": everyone(REDIRECT),
    "GET referral.home_link": everyone(REDIRECT),
    "GET referral.store_code": everyone(REDIRECT),
    "GET referral.store_qr": everyone(PAGE),
    "GET referral.qr_png": everyone(REFUSED_INPUT),  # without the text to encode
    "GET referral.join": signed_in(PAGE),
    "POST referral.join": signed_in(DONE),  # one tap joins brand B's partners (walked last of the POSTs)
    # Accounts.
    "GET accounts.login": {**everyone(REDIRECT), "anonymous": PAGE},  # signed in already: sent on
    "POST accounts.login": everyone(SHOWN_AGAIN),
    "POST accounts.logout": {**everyone(DONE)},
    "GET accounts.register": everyone(PAGE),
    "POST accounts.register": everyone(SHOWN_AGAIN),
    "GET accounts.account": signed_in(PAGE),
    "POST accounts.password": signed_in(REFUSED_INPUT),
    "POST accounts.sign_out_elsewhere": signed_in(DONE),
    # The partner dashboard, the guide's customers, the store manager's store.
    "GET partner.overview": PARTNER_PAGE,
    "GET partner.orders": PARTNER_PAGE,
    "GET partner.orders_csv": PARTNER_PAGE,
    "GET partner.team_page": PARTNER_PAGE,
    "GET partner.withdrawals": PARTNER_PAGE,
    "POST partner.withdrawals": only(REFUSED_INPUT, "partner", "guide"),
    "GET partner.customers": only(PAGE, "guide"),
    "GET partner.store": only(PAGE, "store_manager"),
    "GET catalog.favicon": everyone(MOVED),
    "POST catalog.sheet": everyone(PAGE),
    # Live rooms: the room's page and invitation links are public; its console is its hosts'.
    "GET live.room": everyone(PAGE),
    "GET live.invite": everyone(REDIRECT),
    "GET live.pin": everyone(PAGE),
    "GET live.stats": everyone(PAGE),
    "POST live.buy": everyone(REFUSED_INPUT),
    "POST live.sheet": everyone(PAGE),
    "POST live.remind_me": everyone(DONE),
    "GET live_host.console": only(PAGE, "guide", "store_manager", "admin_b", "platform"),
    "GET live_host.console_stats": only(PAGE, "guide", "store_manager", "admin_b", "platform"),
    "POST live_host.start": only(ACTS, "guide", "store_manager", "admin_b", "platform"),
    "POST live_host.end": only(ACTS, "guide", "store_manager", "admin_b", "platform"),
    "POST live_host.pin_item": only(ACTS, "guide", "store_manager", "admin_b", "platform"),
    "POST live_host.unpin_item": only(ACTS, "guide", "store_manager", "admin_b", "platform"),
    # The store manager's live rooms.
    "GET live_manage.index": only(PAGE, "store_manager"),
    "GET live_manage.create": only(PAGE, "store_manager"),
    "POST live_manage.create": only(REFUSED_INPUT, "store_manager"),
    "GET live_manage.show": only(PAGE, "store_manager"),
    "POST live_manage.update": only(REFUSED_INPUT, "store_manager"),
    "POST live_manage.add_item": only(REFUSED_INPUT, "store_manager"),
    "POST live_manage.remove_item": only(REFUSED_INPUT, "store_manager"),
    # A guest's order look-up by phone and SMS code; the development SMS inbox.
    "GET lookup.find": everyone(PAGE),
    "POST lookup.find": everyone(REFUSED_INPUT),
    "GET lookup.code": everyone(PAGE),
    "POST lookup.code": everyone(REFUSED_INPUT),
    "GET lookup.found": everyone(REDIRECT),  # nobody has looked up orders in this session yet
    "GET sms.inbox": everyone(PAGE),
    "GET accounts.phone": signed_in(PAGE),
    "POST accounts.phone": signed_in(DONE),  # a code texted to the account's own number
    "POST accounts.phone_code": signed_in(REFUSED_INPUT),
    # The sharing kit: a content item's page and link, posters, the share centre, a partner's storefront.
    "GET content.item": everyone(OPENS),  # the item's page; with a partner's code, a touch and a redirect
    "GET share.centre": signed_in(PAGE),
    "POST share.content_copied": only(NO_CONTENT, "partner", "guide"),
    "GET sharing.content": PARTNER_PAGE,
    "GET sharing.live": PARTNER_PAGE,
    "GET sharing.product": PARTNER_PAGE,
    "GET sharing.storefront": PARTNER_PAGE,
    "GET storefront.page": everyone(PAGE),
    # Sent back to the share centre with a message: "saved", or why not (an empty form, not a partner).
    "POST storefront.change": signed_in(DONE),
    "POST storefront.details": signed_in(DONE),
    # The JSON API (mall/api): a bearer token, never the session cookie, so every signed-in role is a stranger here.
    "GET api.brand_commission_settings": everyone(NO_TOKEN),
    "GET api.brand_export_ledger": everyone(NO_TOKEN),
    "GET api.brand_export_orders": everyone(NO_TOKEN),
    "GET api.brand_rooms": everyone(NO_TOKEN),
    "GET api.brand_stats": everyone(NO_TOKEN),
    "GET api.brand_orders": everyone(NO_TOKEN),
    "GET api.brand_order": everyone(NO_TOKEN),
    "GET api.brand_products": everyone(NO_TOKEN),
    "GET api.brand_report": everyone(NO_TOKEN),
    "GET api.brand_withdrawals": everyone(NO_TOKEN),
    "GET api.partner_profile": everyone(NO_TOKEN),
    "GET api.partner_balances": everyone(NO_TOKEN),
    "GET api.partner_product_poster": everyone(NO_TOKEN),
    "GET api.partner_content": everyone(NO_TOKEN),
    "GET api.partner_ledger": everyone(NO_TOKEN),
    "GET api.partner_orders": everyone(NO_TOKEN),
    "GET api.partner_team": everyone(NO_TOKEN),
    "GET api.partner_withdrawals": everyone(NO_TOKEN),
    "GET api.partner_partner_memberships": everyone(NO_TOKEN),
    "GET api.partner_storefront": everyone(NO_TOKEN),
    "POST api.brand_create_room": everyone(NO_TOKEN),
    "POST api.brand_end": everyone(NO_TOKEN),
    "POST api.brand_pin_item": everyone(NO_TOKEN),
    "POST api.brand_shelve": everyone(NO_TOKEN),
    "POST api.brand_start": everyone(NO_TOKEN),
    "POST api.brand_create_product": everyone(NO_TOKEN),
    "POST api.brand_approve": everyone(NO_TOKEN),
    "POST api.brand_reject": everyone(NO_TOKEN),
    "POST api.brand_approve_payout": everyone(NO_TOKEN),
    "POST api.brand_pay_payout": everyone(NO_TOKEN),
    "POST api.brand_reject_payout": everyone(NO_TOKEN),
    "POST api.partner_create_withdrawal": everyone(NO_TOKEN),
    "POST api.partner_add_pick": everyone(NO_TOKEN),
    # Its consumer part asks for a key too (an app's); only its documentation is open.
    "GET api.meta_docs": everyone(PAGE),
    "GET api.meta_openapi": everyone(PAGE),
    "GET api.consumer_product": everyone(NO_TOKEN),
    "GET api.consumer_live_room": everyone(NO_TOKEN),
    "GET api.consumer_order": everyone(NO_TOKEN),
    "POST api.consumer_create_order": everyone(NO_TOKEN),
    "POST api.consumer_pay": everyone(NO_TOKEN),
    "POST api.consumer_refund": everyone(NO_TOKEN),
    "POST api.consumer_mock_pay": everyone(NO_TOKEN),
    "POST api.consumer_touch": everyone(NO_TOKEN),
    # Personal API tokens on the account page.
    "POST accounts.create_api_token": signed_in(REFUSED_INPUT),
    "POST accounts.revoke_api_token": signed_in(NOT_FOUND),  # brand B's key is nobody's personal token
    # The guide's "today" list of follow-ups (journeys); a refusal is a message back on the list.
    "GET today.index": only(PAGE, "guide"),
    "POST today.follow_up": only(DONE, "guide"),
    "POST today.tag_customer": only(DONE, "guide"),
    # The admin console.
    "GET admin.home.index": ADMIN_LIST,
    "GET admin.journeys.index": ADMIN_LIST,
    "GET admin.journeys.show": ADMIN_RECORD,
    "POST admin.journeys.tag_customer": ADMIN_ACTION,
    "POST admin.journeys.create_sequence": ADMIN_ACTION,
    "POST admin.journeys.update_sequence": ADMIN_RECORD_ACTION,
    "POST admin.journeys.add_step": ADMIN_RECORD_ACTION,
    "POST admin.journeys.save_settings": ADMIN_ACTION,
    "POST admin.journeys.update_step": ADMIN_RECORD_ACTION,
    "POST admin.journeys.create_tag_view": ADMIN_ACTION,
    "GET admin.api_keys.index": ADMIN_LIST,
    "POST admin.api_keys.create": ADMIN_ACTION,
    # A platform admin revokes a brand's key having picked the brand (?brand=): without it there is none to name.
    "POST admin.api_keys.revoke": {**ADMIN_RECORD_ACTION, "platform": NOT_FOUND},
    "GET admin.webhooks.index": ADMIN_LIST,
    "POST admin.webhooks.create": ADMIN_ACTION,
    "POST admin.webhooks.disable": ADMIN_RECORD_ACTION,
    "GET admin.webhooks.delivery": ADMIN_RECORD,
    "POST admin.webhooks.replay": ADMIN_RECORD_ACTION,
    "GET admin.content.index": ADMIN_LIST,
    "GET admin.content.create": ADMIN_LIST,
    "POST admin.content.create": ADMIN_ACTION,
    "GET admin.content.show": ADMIN_RECORD,
    "GET admin.content.edit": ADMIN_RECORD,
    "POST admin.content.edit": ADMIN_RECORD_ACTION,
    "POST admin.content.end": ADMIN_RECORD_ACTION,
    "GET admin.live.index": ADMIN_LIST,
    "GET admin.live.create": ADMIN_LIST,
    "POST admin.live.create": ADMIN_ACTION,
    "GET admin.live.show": ADMIN_RECORD,
    "POST admin.live.update": ADMIN_RECORD_ACTION,
    "GET admin.live.leaderboard_csv": ADMIN_RECORD,
    "POST admin.live.add_item": ADMIN_RECORD_ACTION,
    "POST admin.live.remove_item": ADMIN_RECORD_ACTION,
    "GET admin.audit.index": ADMIN_LIST,
    "GET admin.audit.access": ADMIN_LIST,
    "GET admin.brands.index": PLATFORM_PAGE,
    "GET admin.brands.cap": PLATFORM_PAGE,
    "POST admin.brands.save_cap": PLATFORM_ACTION,
    "GET admin.partners.customer": ADMIN_LIST,
    "GET admin.orders.index": ADMIN_LIST,
    "GET admin.orders.show": ADMIN_RECORD,
    "POST admin.orders.complete": ADMIN_RECORD_ACTION,
    "POST admin.orders.reattribute_order": ADMIN_RECORD_ACTION,
    "POST admin.orders.approve": ADMIN_RECORD_ACTION,
    "POST admin.orders.reject": ADMIN_RECORD_ACTION,
    "POST admin.orders.ship": ADMIN_RECORD_ACTION,
    "GET admin.orders.export": ADMIN_LIST,
    "GET admin.partners.index": ADMIN_LIST,
    "GET admin.partners.show": ADMIN_RECORD,
    "POST admin.partners.approve": ADMIN_RECORD_ACTION,
    "POST admin.partners.disable": ADMIN_RECORD_ACTION,
    "POST admin.partners.enable": ADMIN_RECORD_ACTION,
    "GET admin.products.index": ADMIN_LIST,
    "GET admin.products.edit": ADMIN_RECORD,
    "POST admin.products.edit": ADMIN_RECORD_ACTION,
    "POST admin.products.upload_image": ADMIN_RECORD_ACTION,
    "POST admin.products.publish": ADMIN_RECORD_ACTION,
    "POST admin.products.save_ratios": ADMIN_RECORD_ACTION,
    "POST admin.products.preview_ratios": ADMIN_RECORD_ACTION,
    "POST admin.products.unpublish": ADMIN_RECORD_ACTION,
    "GET admin.products.export": ADMIN_LIST,
    "GET admin.products.import_csv": ADMIN_LIST,
    "POST admin.products.import_csv": ADMIN_ACTION,
    "GET admin.products.import_job": ADMIN_RECORD,
    "GET admin.products.new": ADMIN_LIST,
    "POST admin.products.new": ADMIN_ACTION,
    "GET admin.reports.index": ADMIN_LIST,
    "GET admin.reports.export": ADMIN_LIST,
    "GET admin.rules.page": ADMIN_LIST,
    "POST admin.rules.save": ADMIN_ACTION,
    "POST admin.rules.preview_fragment": ADMIN_ACTION,
    "GET admin.stores.index": ADMIN_LIST,
    "GET admin.stores.show": ADMIN_RECORD,
    "POST admin.stores.update": ADMIN_RECORD_ACTION,
    "GET admin.stores.poster": ADMIN_RECORD,
    "GET admin.stores.qr_file": ADMIN_RECORD,
    "POST admin.stores.add_staff": ADMIN_RECORD_ACTION,
    "POST admin.stores.drop_staff": ADMIN_RECORD_ACTION,
    "GET admin.stores.create": ADMIN_LIST,
    "POST admin.stores.create": ADMIN_ACTION,
    "POST admin.users.sign_out_everywhere": ADMIN_RECORD_ACTION,
    "GET admin.withdrawals.queue": ADMIN_LIST,
    "POST admin.withdrawals.approve": ADMIN_RECORD_ACTION,
    "POST admin.withdrawals.fail": ADMIN_RECORD_ACTION,
    "POST admin.withdrawals.pay": ADMIN_RECORD_ACTION,
    "POST admin.withdrawals.reject": ADMIN_RECORD_ACTION,
    "POST admin.withdrawals.retry": ADMIN_RECORD_ACTION,
}

# Per route, URL variables whose name means something else there: filled with another of Walk.values' names.
LIVE = ("api.consumer_live_room", "live.room", "live.invite", "live.pin", "live.stats", "live.buy", "live.sheet", "live.remind_me",
        "live_host.console", "live_host.console_stats", "live_host.start", "live_host.end", "live_host.pin_item",
        "live_host.unpin_item")
VALUES = {"i18n.switch": {"code": "language"}, **{endpoint: {"code": "room_code"} for endpoint in LIVE},
          "live.buy": {"code": "room_code", "item_id": "shelf_item_id"},
          "live.sheet": {"code": "room_code", "item_id": "shelf_item_id"}}
# Walked last, in this order: after them the role is someone else (a partner of brand B; signed out).
LAST = ("POST referral.join", "POST accounts.logout")
