"""Where each form of the app is submitted, by whom, and what a valid submission of it looks like.

test_form_fuzzing.py sends every form here hostile values and fails for a form class of the app missing from
this table (a new form is fuzzed from the day it is written). The records are brand B's (route_walk.Walk).
Baselines are valid values: the fuzzer replaces some of them, so it reaches the checks behind the first one.
"""
from dataclasses import dataclass, field
from typing import Callable

from tests.factories import PASSWORD
from tests.integration.route_walk import Walk


@dataclass(frozen=True)
class FormCase:
    role: str  # a name of route_matrix.ROLES
    method: str  # GET for the filter forms, read from the query string
    url: Callable[[Walk], str]
    baseline: Callable[[Walk], dict[str, str]] = field(default=lambda walk: {})
    # Accepted with a 200 page, not a redirect (a new API secret is shown once, on that page): only a 4xx is a refusal.
    shows_result: bool = False


def _checkout(walk: Walk) -> dict[str, str]:
    return {"sku_id": str(walk.product.skus[0].id), "quantity": "1", "contact_name": "王小明",
            "contact_phone": "13800138000", "delivery": "ship", "address": "上海市静安区南京西路 1 号",
            "idempotency_key": "fuzz-key-0123456789abcdef"}


def _product(walk: Walk) -> dict[str, str]:
    sku = walk.product.skus[0]
    return {"title": "Oolong", "subtitle": "", "description": "", "published": "y", "skus-0-id": str(sku.id),
            "skus-0-name": "250g", "skus-0-price": "99.00", "skus-0-stock": "10"}


def _rules(walk: Walk) -> dict[str, str]:
    return {"levels": "2", "level1": "10", "level2": "5", "level3": "0", "guide": "3", "store": "2",
            "freeze_days": "7", "auto_complete_days": "10", "window_days": "7", "protection_days": "30",
            "binding_mode": "last_touch", "partner_rule": "open", "withdraw_min": "1", "withdraw_fee": "0",
            "withdraw_daily_limit": "5000"}


FORMS: dict[str, FormCase] = {
    "mall.accounts.forms.LoginForm": FormCase("anonymous", "POST", lambda w: "/login",
                                             lambda w: {"login": w.consumer.login, "password": "wrong-" + PASSWORD}),
    "mall.accounts.forms.RegisterForm": FormCase("anonymous", "POST", lambda w: "/register",
                                                lambda w: {"name": "Li", "login": "13900000000",
                                                           "password": PASSWORD, "confirm": PASSWORD + "x"}),
    "mall.accounts.forms.ChangePasswordForm": FormCase("consumer", "POST", lambda w: "/account/password",
                                                      lambda w: {"current": "wrong", "password": PASSWORD,
                                                                 "confirm": PASSWORD}),
    "mall.orders.forms.CheckoutForm": FormCase("anonymous", "POST", lambda w: f"/p/{w.product.code}/buy", _checkout),
    "mall.orders.forms.RefundForm": FormCase("anonymous", "POST", lambda w: f"/o/{w.order.token}/refunds",
                                            lambda w: {"line_id": str(w.order.lines[0].id), "amount": "1.00",
                                                       "reason": "broken"}),
    "mall.payments.mock.forms.MockPayForm": FormCase("anonymous", "POST", lambda w: f"/mockpay/{w.charge_id}",
                                                    lambda w: {"card_number": "4000 0000 0000 0002",
                                                               "expiry": "12/39", "cvc": "123"}),
    "mall.referral.forms.JoinForm": FormCase("consumer", "POST", lambda w: f"/join/{w.books.sharer.code}"),
    "mall.partner.forms.WithdrawalForm": FormCase("partner", "POST", lambda w: "/partner/withdrawals",
                                                 lambda w: {"amount": "1000000", "request_key": "fuzz-request-01"}),
    "mall.partner.forms.OrderFilterForm": FormCase("partner", "GET", lambda w: "/partner/orders"),
    "mall.partner.forms.DateRangeForm": FormCase("store_manager", "GET", lambda w: "/partner/store"),
    "mall.admin.audit_log.forms.AuditFilterForm": FormCase("admin_b", "GET", lambda w: "/admin/audit"),
    "mall.admin.brands.forms.CapForm": FormCase("platform", "POST",
                                               lambda w: f"/admin/brands/{w.brand.id}/commission-cap"),
    # The orders list's filter is OrderListFilterForm, a subclass: the base class is walked through it.
    "mall.admin.orders.forms.OrderFilterForm": FormCase("admin_b", "GET", lambda w: "/admin/orders"),
    "mall.admin.orders.filter_form.OrderListFilterForm": FormCase("admin_b", "GET", lambda w: "/admin/orders"),
    "mall.admin.orders.forms.ReattributeForm": FormCase("admin_b", "POST",
                                                       lambda w: f"/admin/orders/{w.order.number}/reattribute",
                                                       lambda w: {"sharer_code": w.books.sharer.code,
                                                                  "reason": "fuzz"}),
    "mall.admin.orders.forms.RejectRefundForm": FormCase(
        "admin_b", "POST", lambda w: f"/admin/orders/{w.order.number}/refunds/{w.refund.id}/reject"),
    "mall.admin.partners.forms.CustomerLookupForm": FormCase("admin_b", "GET", lambda w: "/admin/customers"),
    "mall.admin.partners.forms.PartnerFilterForm": FormCase("admin_b", "GET", lambda w: "/admin/partners"),
    "mall.admin.products.forms.ProductFilterForm": FormCase("admin_b", "GET", lambda w: "/admin/products"),
    "mall.admin.products.forms.ProductForm": FormCase("admin_b", "POST", lambda w: f"/admin/products/{w.product.id}",
                                                     _product),
    "mall.admin.products.forms.ProductRatioForm": FormCase("admin_b", "POST",
                                                          lambda w: f"/admin/products/{w.product.id}/ratios",
                                                          lambda w: {"level1": "10", "level2": "5"}),
    "mall.admin.products.forms.PublishForm": FormCase("admin_b", "POST",
                                                     lambda w: f"/admin/products/{w.product.id}/publish"),
    "mall.admin.products.forms.ImageForm": FormCase("admin_b", "POST",
                                                   lambda w: f"/admin/products/{w.product.id}/images"),
    "mall.admin.products.forms.ImportForm": FormCase("admin_b", "POST", lambda w: "/admin/products/import"),
    "mall.admin.reports.forms.ReportForm": FormCase("admin_b", "GET", lambda w: "/admin/reports"),
    "mall.admin.rules.forms.RulesForm": FormCase("admin_b", "POST", lambda w: "/admin/rules", _rules),
    "mall.admin.stores.forms.StaffForm": FormCase("admin_b", "POST", lambda w: f"/admin/stores/{w.store.id}/staff",
                                                 lambda w: {"name": "Wu", "phone": "13700000001",
                                                            "password": PASSWORD, "role": "guide"}),
    "mall.admin.stores.forms.StoreForm": FormCase("admin_b", "POST", lambda w: f"/admin/stores/{w.store.id}",
                                                 lambda w: {"name": "Store", "address": "1 Road",
                                                            "phone": "02112345678", "active": "y"}),
    "mall.admin.withdrawals.forms.ReasonForm": FormCase("admin_b", "POST",
                                                       lambda w: f"/admin/withdrawals/{w.withdrawal.id}/reject"),
    "mall.admin.withdrawals.forms.WithdrawalFilterForm": FormCase("admin_b", "GET", lambda w: "/admin/withdrawals"),
    # Live rooms: the host's console (the guide hosts brand B's room), the admin's room and shelf forms.
    "mall.live.forms.HostActionForm": FormCase("guide", "POST", lambda w: f"/l/{w.room.code}/host/unpin"),
    "mall.live.forms.PinForm": FormCase("guide", "POST", lambda w: f"/l/{w.room.code}/host/pin",
                                       lambda w: {"item_id": str(w.shelf_item.id)}),
    "mall.live.room_forms.RoomForm": FormCase("admin_b", "POST", lambda w: f"/admin/live/{w.room.id}",
                                             lambda w: {"title": "Live", "starts_at": "2030-01-01T20:00",
                                                        "stream": "BV1xx411c7mD"}),
    "mall.live.room_forms.ShelfForm": FormCase("admin_b", "POST", lambda w: f"/admin/live/{w.room.id}/shelf",
                                              lambda w: {"sku_id": str(w.product.skus[0].id), "live_price": "1.00"}),
    "mall.live.room_forms.ItemForm": FormCase("admin_b", "POST", lambda w: f"/admin/live/{w.room.id}/shelf/remove",
                                             lambda w: {"item_id": str(w.shelf_item.id)}),
    # The sharing kit: the admin's content item, the partner's storefront (refusals there answer a 303 back to the
    # share centre with the reason, so only "never a 5xx" is checked of them).
    "mall.admin.content.forms.ContentForm": FormCase("admin_b", "POST", lambda w: f"/admin/content/{w.content_item.id}/edit",
                                                    lambda w: {"title": "Post", "body": "Buy here: {link}"}),
    "mall.storefront.forms.PickForm": FormCase("partner", "POST", lambda w: "/partner/storefront/pick",
                                              lambda w: {"product_id": str(w.product.id)}),
    "mall.storefront.forms.DetailsForm": FormCase("partner", "POST", lambda w: "/partner/storefront/details",
                                                 lambda w: {"title": "My picks", "intro": "Tea I drink"}),
    # API access: a personal token on the account page, a brand's key and webhook endpoint in the admin console.
    "mall.accounts.forms.TokenForm": FormCase("partner", "POST", lambda w: "/account/tokens", shows_result=True),
    "mall.admin.webhooks.forms.ApiKeyForm": FormCase("admin_b", "POST", lambda w: "/admin/api-keys", shows_result=True),
    "mall.admin.webhooks.forms.EndpointForm": FormCase("admin_b", "POST", lambda w: "/admin/webhooks",
                                                      lambda w: {"url": "https://hooks.example.com/mall",
                                                                 "topics": "order.paid"}),
    # Journeys: the admin's sequences, steps, tags and settings; the partner's follow-ups and tags.
    "mall.admin.journeys.forms.SequenceForm": FormCase("admin_b", "POST",
                                                      lambda w: f"/admin/journeys/sequences/{w.sequence.id}"),
    "mall.admin.journeys.forms.StepForm": FormCase("admin_b", "POST", lambda w: f"/admin/journeys/steps/{w.step.id}"),
    "mall.admin.journeys.forms.TagForm": FormCase("admin_b", "POST", lambda w: "/admin/journeys/tags"),
    "mall.admin.journeys.forms.CustomerTagForm": FormCase("admin_b", "POST", lambda w: "/admin/journeys/customers/tags"),
    "mall.admin.journeys.forms.JourneySettingsForm": FormCase("admin_b", "POST", lambda w: "/admin/journeys/settings"),
    "mall.partner.today_forms.CustomerTagForm": FormCase(
        "guide", "POST", lambda w: f"/partner/today/customers/{w.books.buyer.id}/tags"),
    "mall.partner.today_forms.FollowUpForm": FormCase("guide", "POST", lambda w: f"/partner/today/999999/{w.step.id}"),
    # A guest's order look-up: the phone number, then the texted code.
    "mall.sms.forms.PhoneForm": FormCase("anonymous", "POST", lambda w: "/orders/find",
                                        lambda w: {"phone": "13800138000"}),
    "mall.sms.forms.CodeForm": FormCase("anonymous", "POST", lambda w: "/orders/find/code",
                                       lambda w: {"phone": "13800138000", "code": "000000"}),
}
