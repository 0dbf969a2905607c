"""Brand operations on money (brand API key; GET needs the read scope, everything else write): orders with
their attribution, refunds, withdrawals, reports and incremental exports (products and rules:
mall.api.brand_catalog). Every lookup carries the key's brand, so another brand's record is simply not found;
every change goes through the service the admin console calls, audited as the console's changes are (with no
user: an API key made it).
"""
from zoneinfo import ZoneInfo

from flask import current_app
from sqlalchemy import select

from mall.admin.reports.queries import sales_report
from mall.api.auth import BRAND, current_token
from mall.api.blueprint import bp
from mall.api.brand_orders import brand_order, changed_orders
from mall.api.ledger_pages import ledger_page
from mall.api.operations import operation
from mall.api.problems import ApiProblem
from mall.api.schemas.brand import (
    BrandOrderOut,
    BrandWithdrawalOut,
    ExportQuery,
    LedgerExportOut,
    OrderExportOut,
    OrdersPageOut,
    OrdersQuery,
    ReasonIn,
    ReportOut,
    ReportQuery,
)
from mall.api.schemas.common import RefundOut
from mall.api.schemas.partner import PageQuery
from mall.clock import utcnow
from mall.commission.models import Withdrawal
from mall.commission.withdrawals import WithdrawalError, approve_withdrawal, pay_withdrawal, reject_withdrawal
from mall.extensions import db
from mall.orders.models import Order, Refund
from mall.orders.queries import order_by_number, orders_of_brand
from mall.orders.refunds import RefundError, approve_refund, reject_refund

TAG = "brand"
PER_PAGE = 20
MAX_REPORT_DAYS = 366


def _brand_id() -> int:
    return current_token().brand_id


@operation(bp, "/brand/orders", summary="The brand's orders, newest first", tag=TAG, audience=BRAND,
           query=OrdersQuery(), response=OrdersPageOut())
def orders(query: dict):
    page = db.paginate(orders_of_brand(_brand_id(), query["status"]), page=query["page"], per_page=PER_PAGE,
                       error_out=False)
    return {"page": page.page, "pages": page.pages, "items": list(page.items)}


@operation(bp, "/brand/orders/<number>", summary="One order with its full attribution and commission lines",
           tag=TAG, audience=BRAND, response=BrandOrderOut())
def order(number: str):
    found = order_by_number(db.session, number, _brand_id()) or _not_found("order")
    return brand_order(db.session, found)


@operation(bp, "/brand/refunds/<int:refund_id>/approve", "POST", summary="Approve a refund request; the "
           "provider refunds it after the commit", tag=TAG, audience=BRAND, response=RefundOut())
def approve(refund_id: int):
    refund = _refund(refund_id)
    try:
        return approve_refund(db.session, refund.id, by_user_id=None, now=utcnow())
    except RefundError as err:
        raise ApiProblem("refused", str(err.message)) from err


@operation(bp, "/brand/refunds/<int:refund_id>/reject", "POST", summary="Reject a refund request", tag=TAG,
           audience=BRAND, body=ReasonIn(), response=RefundOut())
def reject(refund_id: int, body: dict):
    refund = _refund(refund_id)
    try:
        return reject_refund(db.session, refund.id, by_user_id=None, reason=body["reason"], now=utcnow())
    except RefundError as err:
        raise ApiProblem("refused", str(err.message)) from err


@operation(bp, "/brand/withdrawals", summary="The brand's withdrawal requests, newest first", tag=TAG,
           audience=BRAND, query=PageQuery(), response=BrandWithdrawalOut(many=True))
def withdrawals(query: dict):
    listing = db.paginate(select(Withdrawal).where(Withdrawal.brand_id == _brand_id())
                          .order_by(Withdrawal.id.desc()), page=query["page"], per_page=PER_PAGE, error_out=False)
    return [_withdrawal(w) for w in listing.items]


@operation(bp, "/brand/withdrawals/<int:withdrawal_id>/approve", "POST", summary="Approve a withdrawal", tag=TAG,
           audience=BRAND, response=BrandWithdrawalOut())
def approve_payout(withdrawal_id: int):
    return _decide(approve_withdrawal, withdrawal_id)


@operation(bp, "/brand/withdrawals/<int:withdrawal_id>/reject", "POST", summary="Reject a withdrawal; the money "
           "returns to available", tag=TAG, audience=BRAND, body=ReasonIn(), response=BrandWithdrawalOut())
def reject_payout(withdrawal_id: int, body: dict):
    return _decide(reject_withdrawal, withdrawal_id, reason=body["reason"])


@operation(bp, "/brand/withdrawals/<int:withdrawal_id>/pay", "POST", summary="Mark an approved withdrawal paid "
           "(mock payout)", tag=TAG, audience=BRAND, response=BrandWithdrawalOut())
def pay_payout(withdrawal_id: int):
    return _decide(pay_withdrawal, withdrawal_id)


@operation(bp, "/brand/reports/sales", summary="Sales and commission by day, store, guide, sharer or channel",
           tag=TAG, audience=BRAND, query=ReportQuery(), response=ReportOut())
def report(query: dict):
    first, last = query["first"], query["last"]
    if not 0 <= (last - first).days < MAX_REPORT_DAYS:
        raise ApiProblem("validation-failed", errors=[{"field": "last", "message": "From first to last: at most "
                                                       f"{MAX_REPORT_DAYS} days, last not before first."}])
    tz = ZoneInfo(current_app.config["BABEL_DEFAULT_TIMEZONE"])
    found = sales_report(db.session, _brand_id(), query["dimension"], first, last, tz)
    return {"dimension": found.dimension, "first": found.first, "last": found.last, "rows": list(found.rows)}


@operation(bp, "/brand/exports/orders", summary="Orders changed since a cursor (incremental export)", tag=TAG,
           audience=BRAND, query=ExportQuery(), response=OrderExportOut())
def export_orders(query: dict):
    """Each order comes with its current state once per change; keep next_cursor and pass it next time."""
    found, cursor, more = changed_orders(db.session, brand_id=_brand_id(), cursor=query["cursor"],
                                         limit=query["limit"])
    return {"items": [brand_order(db.session, o) for o in found], "next_cursor": cursor, "has_more": more}


@operation(bp, "/brand/exports/ledger", summary="Ledger entries posted since a cursor (incremental export)",
           tag=TAG, audience=BRAND, query=ExportQuery(), response=LedgerExportOut())
def export_ledger(query: dict):
    items, cursor, more = ledger_page(db.session, brand_id=_brand_id(), cursor=query["cursor"], limit=query["limit"])
    return {"items": items, "next_cursor": cursor, "has_more": more}


def _refund(refund_id: int) -> Refund:
    refund = db.session.get(Refund, refund_id)
    if refund is None or db.session.get(Order, refund.order_id).brand_id != _brand_id():
        _not_found("refund")
    return refund


def _decide(action, withdrawal_id: int, **kw):
    try:
        return _withdrawal(action(db.session, withdrawal_id, by_user_id=None, now=utcnow(), brand_id=_brand_id(), **kw))
    except WithdrawalError as err:
        if db.session.get(Withdrawal, withdrawal_id) is None or \
                db.session.get(Withdrawal, withdrawal_id).brand_id != _brand_id():
            raise ApiProblem("not-found", "No such withdrawal.") from err
        raise ApiProblem("conflict", str(err.message)) from err


def _withdrawal(withdrawal: Withdrawal) -> dict:
    return {**{name: getattr(withdrawal, name) for name in (
        "id", "status", "amount_fen", "fee_fen", "created_at", "decided_at", "paid_at", "reject_reason", "payout_ref",
        "failure_reason")}, "partner_code": withdrawal.partner.code}


def _not_found(what: str):
    raise ApiProblem("not-found", f"No such {what}.")
