"""Partner operations (personal access token of a partner): their profile and links, money, orders, team,
withdrawals, for one brand at a time (/partner/brands/{brand}/…). Customers come out masked, as on the
dashboard (mall.partner.queries); another brand's partner gets 404.
"""
from zoneinfo import ZoneInfo

from flask import current_app

from mall.api.auth import PARTNER, current_token
from mall.api.blueprint import bp
from mall.api.idempotency import body_hash, domain_key, remember, replayed, request_key
from mall.api.ledger_pages import ledger_page
from mall.api.operations import operation, respond
from mall.api.problems import ApiProblem
from mall.api.schemas.partner import (
    AttributedOrdersOut,
    BalancesOut,
    CursorQuery,
    LedgerPageOut,
    MemberOut,
    MembershipOut,
    OrderCursorQuery,
    PageQuery,
    ProductLinksQuery,
    ProfileOut,
    WithdrawalIn,
    WithdrawalOut,
)
from mall.catalog.pages import published_product_by_code
from mall.clock import utcnow
from mall.commission.withdrawals import WithdrawalError, request_withdrawal
from mall.extensions import db
from mall.partner.order_cards import OrderFilter, attributed_orders, order_cards
from mall.partner.pages import keyset_page, parse_cursor
from mall.partner.queries import membership_for, memberships, totals
from mall.partner.team import team as team_of
from mall.partner.withdrawals import withdrawals_of
from mall.referral.share_links import partner_links, product_links
from mall.sharing.responses import poster_response
from mall.sharing.subjects import product_poster as poster_of_product
from mall.urls import public_url

TAG = "partner"
PREFIX = "/partner/brands/<brand>"
PER_PAGE = 20


@operation(bp, "/partner/memberships", summary="The brands the token's user is a partner of", tag=TAG,
           audience=PARTNER, response=MembershipOut(many=True))
def partner_memberships():
    return [_membership(p) for p in memberships(db.session, current_token().user_id)]


@operation(bp, PREFIX, summary="Profile, referral code and share links with QR codes", tag=TAG, audience=PARTNER,
           query=ProductLinksQuery(), response=ProfileOut())
def profile(brand: str, query: dict):
    """With product_code: the partner's link to that product as well."""
    partner = current_partner(brand)
    links = partner_links(partner)
    if query["product_code"]:
        found = published_product_by_code(db.session, query["product_code"])
        if found is None or found.brand_id != partner.brand_id:
            raise ApiProblem("not-found", "No such product of this brand.")
        links = product_links(partner, [found]) + links
    inviter = partner.inviter.code if partner.inviter_id else None
    return {**_membership(partner), "inviter_code": inviter,
            "links": [{"key": link.key, "label": link.label, "url": link.url,
                       "qr_url": public_url("referral.qr_png", u=link.path),
                       "poster_url": _poster_url(partner, link.key)} for link in links]}


def _poster_url(partner, key: str) -> str | None:
    if not key.startswith("p-"):
        return None
    return public_url("api.partner_product_poster", brand=partner.brand.slug, code=key[2:])


@operation(bp, PREFIX + "/posters/products/<code>", summary="The partner's share poster of a product (PNG)",
           tag=TAG, audience=PARTNER, produces="image/png")
def product_poster(brand: str, code: str):
    """750 px wide: picture, title, price, the partner's name and a QR code of their link. Drawn once per price,
    picture and language, then served from the media store."""
    partner = current_partner(brand)
    found = published_product_by_code(db.session, code)
    if found is None or found.brand_id != partner.brand_id:
        raise ApiProblem("not-found", "No such product of this brand.")
    content, image = poster_of_product(partner, found, utcnow())
    return poster_response(f"product:{found.id}", partner, content, image, f"poster-{found.code}")


@operation(bp, PREFIX + "/balances", summary="Balances by bucket, in fen", tag=TAG, audience=PARTNER,
           response=BalancesOut())
def balances(brand: str):
    return totals(db.session, current_partner(brand))


@operation(bp, PREFIX + "/ledger", summary="The partner's ledger entries, oldest first, by cursor", tag=TAG,
           audience=PARTNER, query=CursorQuery(), response=LedgerPageOut())
def ledger(brand: str, query: dict):
    partner = current_partner(brand)
    items, cursor, more = ledger_page(db.session, brand_id=partner.brand_id, cursor=query["cursor"],
                                      limit=query["limit"], owner=("partner", partner.id))
    return {"items": items, "next_cursor": cursor, "has_more": more}


@operation(bp, PREFIX + "/orders", summary="Orders attributed to the partner, with their commission shares, "
           "newest first, by cursor", tag=TAG, audience=PARTNER, query=OrderCursorQuery(),
           response=AttributedOrdersOut())
def orders(brand: str, query: dict):
    partner = current_partner(brand)
    page = keyset_page(db.session, attributed_orders(partner.id, OrderFilter(), _tz()),
                       after=parse_cursor(query["after"]), before=None, per_page=PER_PAGE)
    cards = order_cards(db.session, partner.id, page.items)
    return {"next": page.next_cursor, "items": [
        {**card.__dict__, "commission_fen": card.commission_fen,
         "lines": [{**line.__dict__, "shares": [share.__dict__ for share in line.shares]} for line in card.lines]}
        for card in cards]}


@operation(bp, PREFIX + "/team", summary="The partner's level-1 and level-2 team", tag=TAG, audience=PARTNER,
           response=MemberOut(many=True))
def team(brand: str):
    return team_of(db.session, current_partner(brand))


@operation(bp, PREFIX + "/withdrawals", summary="The partner's withdrawals, newest first", tag=TAG,
           audience=PARTNER, query=PageQuery(), response=WithdrawalOut(many=True))
def withdrawals(brand: str, query: dict):
    partner = current_partner(brand)
    return db.paginate(withdrawals_of(partner.id), page=query["page"], per_page=PER_PAGE, error_out=False).items


@operation(bp, PREFIX + "/withdrawals", "POST", summary="Ask to withdraw available money (Idempotency-Key required)",
           tag=TAG, audience=PARTNER, body=WithdrawalIn(), response=WithdrawalOut(), status=201, idempotent=True)
def create_withdrawal(brand: str, body: dict):
    partner = current_partner(brand)
    token, key, digest = current_token(), request_key(), body_hash(body)
    operation_name = f"withdrawals.create:{partner.id}"
    earlier = replayed(db.session, token_id=token.id, operation=operation_name, key=key, digest=digest)
    if earlier is not None:
        return earlier
    try:
        withdrawal = request_withdrawal(db.session, partner_id=partner.id, amount_fen=body["amount_fen"],
                                        request_key=domain_key(token.id, operation_name, key), now=utcnow())
    except WithdrawalError as err:
        raise ApiProblem("refused", str(err.message)) from err
    dumped = WithdrawalOut().dump(withdrawal)
    remember(db.session, token_id=token.id, operation=operation_name, key=key, digest=digest, status=201,
             body=dumped, now=utcnow())
    return respond(None, dumped, 201)  # dumped already: the replay answers this very body


def current_partner(brand: str):
    partner = membership_for(memberships(db.session, current_token().user_id), brand)
    if partner is None or not brand:
        raise ApiProblem("not-found", "You are not a partner of this brand.")
    return partner


def _membership(partner) -> dict:
    return {"brand": partner.brand.slug, "brand_name": partner.brand.name, "code": partner.code,
            "status": partner.status, "joined_at": partner.joined_at}


def _tz() -> ZoneInfo:
    return ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
