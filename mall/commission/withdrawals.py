"""Withdrawals: a partner asks for available money; the brand approves and pays, or rejects; payout is mocked.

requested -> approved -> paid, or -> rejected (money returns to available), or approved -> failed (money
returns; retry debits it again and goes back to approved). Every transition is one conditional UPDATE on
the status, so nothing is decided or paid twice; every money move posts under its own key. The request
itself debits available through the ledger, whose CHECK constraint refuses a negative balance: of two
simultaneous requests for the whole balance, one gets it and the other is told there is not enough.
Nothing here commits; each function works in a savepoint, so one that raises leaves the caller's
transaction as it found it.
"""
from dataclasses import dataclass
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import func, select, update
from sqlalchemy.exc import IntegrityError

from mall.audit.service import record
from mall.clock import china_day_start
from mall.codes import short_code
from mall.commission.balances import balances
from mall.commission.events import WithdrawalPaid, WithdrawalRequested
from mall.commission.ledger import (
    AVAILABLE,
    DEBT,
    FEES,
    PAYOUT,
    RETURN,
    WITHDRAWAL,
    WITHDRAWING,
    WITHDRAWN,
    LedgerError,
    Owner,
    balance,
    brand_account,
    lock,
    owner_account,
    post,
)
from mall.commission.models import LedgerTransaction, Withdrawal
from mall.commission.settings import BP_PER_UNIT
from mall.commission.withdrawal_settings import withdrawal_settings_for
from mall.database import savepoint
from mall.domain import DomainError
from mall.events import publish
from mall.referral.models import Partner

REASON_MAX = 200


class WithdrawalError(DomainError):
    message = _l("The withdrawal could not be processed.")
    # A figure the message names (%(amount)s), formatted as money where it is shown: text(format).
    amount_fen: int | None = None
    with_amount = None

    def __init__(self, message=None, field=None, *, amount_fen: int | None = None):
        super().__init__(message, field)
        self.amount_fen = amount_fen

    def text(self, money) -> str:
        if self.amount_fen is not None and self.with_amount is not None:
            return str(self.with_amount) % {"amount": money(self.amount_fen)}
        return str(self.message)


class BelowMinimum(WithdrawalError):
    message = _l("The amount is below the minimum withdrawal.")
    with_amount = _l("The smallest withdrawal is %(amount)s.")


class AboveDailyLimit(WithdrawalError):
    message = _l("The amount is above what you can still withdraw today.")
    with_amount = _l("The amount is above what you can still withdraw today (%(amount)s).")


class NotEnoughAvailable(WithdrawalError):
    message = _l("The amount exceeds your available balance.")
    with_amount = _l("The amount exceeds your available balance of %(amount)s.")


@dataclass(frozen=True)
class Terms:
    """What a partner is told before asking: the brand's rules and what they can take out right now."""

    min_fen: int
    fee_bp: int
    daily_limit_fen: int
    left_today_fen: int
    available_fen: int
    in_debt: bool

    @property
    def withdrawable_fen(self) -> int:
        """The most one request can take now: 0 while in debt or below the minimum."""
        most = min(self.available_fen, self.left_today_fen)
        return 0 if self.in_debt or most < self.min_fen else most


class DebtOutstanding(WithdrawalError):
    message = _l("Refunds have left a debt on your account; withdrawals resume once later earnings clear it.")


class WrongState(WithdrawalError):
    message = _l("This withdrawal has already been decided.")


def request_withdrawal(session, *, partner_id: int, amount_fen: int, request_key: str, now: datetime) -> Withdrawal:
    """Ask for available money; the same request_key always yields the same withdrawal. Raises WithdrawalError."""
    existing = _by_key(session, request_key)
    if existing is not None:
        return _same_request(existing, partner_id)
    # Lock the partner so one partner's requests queue up: the daily limit is then counted exactly.
    partner = session.scalars(select(Partner).where(Partner.id == partner_id).with_for_update()).first()
    if partner is None:
        raise WithdrawalError()
    settings = withdrawal_settings_for(session, partner.brand_id)
    if not isinstance(amount_fen, int) or isinstance(amount_fen, bool) or amount_fen <= 0:
        raise WithdrawalError(_l("Please enter an amount greater than zero."))
    if amount_fen < settings.withdraw_min_fen:
        raise BelowMinimum(amount_fen=settings.withdraw_min_fen)
    fee = amount_fen * settings.withdraw_fee_bp // BP_PER_UNIT  # rounded down: the partner never pays a fen more
    _refuse_while_in_debt(session, partner.brand_id, partner.id)
    # Said before the daily limit: "exceeds your balance" is the reason a partner can act on. The ledger's
    # CHECK still decides a race for the same money (NotEnoughAvailable from _move).
    available = balance(session, owner_account(session, Owner(partner.brand_id, "partner", partner.id), AVAILABLE))
    if amount_fen > available:
        raise NotEnoughAvailable(amount_fen=available)
    left_today = settings.withdraw_daily_limit_fen - _withdrawn_today(session, partner.id, now)
    if amount_fen > left_today:
        raise AboveDailyLimit(amount_fen=max(left_today, 0))
    with savepoint(session):  # the request and its debit, or neither
        try:
            with session.begin_nested():
                withdrawal = Withdrawal(brand_id=partner.brand_id, partner_id=partner.id, amount_fen=amount_fen,
                                        fee_fen=fee, status="requested", request_key=request_key, created_at=now)
                session.add(withdrawal)
        except IntegrityError:  # the same request arrived twice at once: the other one created it
            return _same_request(_by_key(session, request_key), partner_id)
        _move(session, withdrawal, AVAILABLE, WITHDRAWING, key=f"withdrawal:{withdrawal.id}:request",
              kind=WITHDRAWAL, now=now)
        publish(session, WithdrawalRequested(withdrawal_id=withdrawal.id, brand_id=withdrawal.brand_id,
                                             partner_id=withdrawal.partner_id, amount_fen=amount_fen, fee_fen=fee,
                                             now=now))
    return withdrawal


def withdrawal_terms(session, *, partner_id: int, brand_id: int, now: datetime) -> Terms:
    """The rules and today's room for one partner, read-only (the request checks them again)."""
    settings = withdrawal_settings_for(session, brand_id)
    found = balances(session, brand_id=brand_id, owner_kind="partner", owner_id=partner_id)
    return Terms(min_fen=settings.withdraw_min_fen, fee_bp=settings.withdraw_fee_bp,
                 daily_limit_fen=settings.withdraw_daily_limit_fen,
                 left_today_fen=max(settings.withdraw_daily_limit_fen - _withdrawn_today(session, partner_id, now), 0),
                 available_fen=found[AVAILABLE], in_debt=found[DEBT] < 0)


def approve_withdrawal(session, withdrawal_id: int, *, by_user_id: int | None, now: datetime,
                       brand_id: int | None = None) -> Withdrawal:
    """requested -> approved; the money stays reserved in withdrawing. brand_id confines an admin to their brand."""
    with savepoint(session):  # a refusal halfway leaves nothing behind
        withdrawal = _transition(session, withdrawal_id, brand_id, ("requested",), "approved", decided_at=now)
        _refuse_while_in_debt(session, withdrawal.brand_id, withdrawal.partner_id)
        _audit(session, withdrawal, "withdrawal.approve", by_user_id, now)
    return withdrawal


def reject_withdrawal(session, withdrawal_id: int, *, by_user_id: int | None, reason: str, now: datetime,
                      brand_id: int | None = None) -> Withdrawal:
    """requested or approved -> rejected; the money returns to available."""
    reason = (reason or "").strip()[:REASON_MAX]
    with savepoint(session):  # a refusal halfway leaves nothing behind
        withdrawal = _transition(session, withdrawal_id, brand_id, ("requested", "approved"), "rejected",
                                 decided_at=now, reject_reason=reason)
        _give_back(session, withdrawal, key=f"withdrawal:{withdrawal.id}:reject", now=now)
        _audit(session, withdrawal, "withdrawal.reject", by_user_id, now, reason)
    return withdrawal


def pay_withdrawal(session, withdrawal_id: int, *, by_user_id: int | None, now: datetime,
                   brand_id: int | None = None) -> Withdrawal:
    """approved -> paid through the (mock) payout; the fee goes to the brand. Never twice."""
    with savepoint(session):  # a refusal halfway leaves nothing behind
        withdrawal = _transition(session, withdrawal_id, brand_id, ("approved",), "paid", paid_at=now,
                                 payout_ref=f"MOCKPAY-{short_code(12)}")
        _refuse_while_in_debt(session, withdrawal.brand_id, withdrawal.partner_id)
        owner = Owner(withdrawal.brand_id, "partner", withdrawal.partner_id)
        entries = [(owner_account(session, owner, WITHDRAWING), -withdrawal.amount_fen, None),
                   (owner_account(session, owner, WITHDRAWN), withdrawal.amount_fen - withdrawal.fee_fen, None),
                   (brand_account(session, withdrawal.brand_id, FEES), withdrawal.fee_fen, None)]
        post(session, key=f"withdrawal:{withdrawal.id}:paid", kind=PAYOUT, brand_id=withdrawal.brand_id,
             entries=entries, withdrawal_id=withdrawal.id, now=now)
        _audit(session, withdrawal, "withdrawal.pay", by_user_id, now)
        publish(session, WithdrawalPaid(withdrawal_id=withdrawal.id, brand_id=withdrawal.brand_id,
                                        partner_id=withdrawal.partner_id, amount_fen=withdrawal.amount_fen,
                                        fee_fen=withdrawal.fee_fen, payout_ref=withdrawal.payout_ref, now=now))
    return withdrawal


def fail_withdrawal(session, withdrawal_id: int, *, by_user_id: int | None, now: datetime, reason: str = "",
                    brand_id: int | None = None) -> Withdrawal:
    """approved -> failed (the payout bounced); the money returns to available until a retry."""
    reason = (reason or "").strip()[:REASON_MAX]
    with savepoint(session):  # a refusal halfway leaves nothing behind
        attempt = _attempt(session, withdrawal_id)
        withdrawal = _transition(session, withdrawal_id, brand_id, ("approved",), "failed", failure_reason=reason)
        _give_back(session, withdrawal, key=f"withdrawal:{withdrawal.id}:fail:{attempt}", now=now)
        _audit(session, withdrawal, "withdrawal.fail", by_user_id, now, reason)
    return withdrawal


def retry_withdrawal(session, withdrawal_id: int, *, by_user_id: int | None, now: datetime,
                     brand_id: int | None = None) -> Withdrawal:
    """failed -> approved, debiting available again; refused while the partner owes a debt or lacks the money."""
    with savepoint(session):  # a refusal halfway leaves nothing behind
        attempt = _attempt(session, withdrawal_id)
        withdrawal = _transition(session, withdrawal_id, brand_id, ("failed",), "approved", failure_reason="")
        _refuse_while_in_debt(session, withdrawal.brand_id, withdrawal.partner_id)
        _move(session, withdrawal, AVAILABLE, WITHDRAWING, key=f"withdrawal:{withdrawal.id}:retry:{attempt}",
              kind=WITHDRAWAL, now=now)
        _audit(session, withdrawal, "withdrawal.retry", by_user_id, now)
    return withdrawal


def _refuse_while_in_debt(session, brand_id: int, partner_id: int) -> None:
    # A debt (refunds of money already paid out) blocks every step that sends money out, also for requests
    # made before the debt arose; the admin can still reject them, which returns the money to available.
    if balance(session, owner_account(session, Owner(brand_id, "partner", partner_id), DEBT)) < 0:
        raise DebtOutstanding()


def withdrawn_today(session, partner_id: int, now: datetime) -> int:
    """What counts against today's limit: every withdrawal asked for today (China time) and not rejected."""
    return _withdrawn_today(session, partner_id, now)


def _withdrawn_today(session, partner_id: int, now: datetime) -> int:
    day_start = china_day_start(now)  # daily limits count calendar days in China
    return int(session.scalar(select(func.coalesce(func.sum(Withdrawal.amount_fen), 0))
                              .where(Withdrawal.partner_id == partner_id, Withdrawal.created_at >= day_start,
                                     Withdrawal.status != "rejected")))


def _give_back(session, withdrawal: Withdrawal, *, key: str, now: datetime) -> None:
    """Reserved money comes back, first paying off any debt, as settlement does.

    A refund of settled money while a withdrawal of it is pending books a debt; returning the reserved
    money to available beside that debt would leave both standing and block every later withdrawal.
    """
    owner = Owner(withdrawal.brand_id, "partner", withdrawal.partner_id)
    withdrawing, debt, available = (owner_account(session, owner, kind) for kind in (WITHDRAWING, DEBT, AVAILABLE))
    lock(session, [withdrawing, debt, available])  # a reversal deciding at the same time waits for us
    to_debt = min(withdrawal.amount_fen, -balance(session, debt))
    entries = [(withdrawing, -withdrawal.amount_fen, None), (debt, to_debt, None),
               (available, withdrawal.amount_fen - to_debt, None)]
    post(session, key=key, kind=RETURN, brand_id=withdrawal.brand_id, entries=entries, withdrawal_id=withdrawal.id,
         now=now)


def _move(session, withdrawal: Withdrawal, source: str, target: str, *, key: str, kind: str, now: datetime) -> None:
    owner = Owner(withdrawal.brand_id, "partner", withdrawal.partner_id)
    entries = [(owner_account(session, owner, source), -withdrawal.amount_fen, None),
               (owner_account(session, owner, target), withdrawal.amount_fen, None)]
    try:
        post(session, key=key, kind=kind, brand_id=withdrawal.brand_id, entries=entries,
             withdrawal_id=withdrawal.id, now=now)
    except LedgerError as exc:  # available would go negative: someone else took the money first
        raise NotEnoughAvailable() from exc


def _transition(session, withdrawal_id: int, brand_id: int | None, sources: tuple[str, ...], target: str,
                **values) -> Withdrawal:
    where = [Withdrawal.id == withdrawal_id, Withdrawal.status.in_(sources)]
    if brand_id is not None:
        where.append(Withdrawal.brand_id == brand_id)
    changed = session.execute(update(Withdrawal).where(*where).values(status=target, **values)
                              .execution_options(synchronize_session=False)).rowcount
    if changed != 1:
        found = session.get(Withdrawal, withdrawal_id)
        if found is None or (brand_id is not None and found.brand_id != brand_id):
            raise WithdrawalError(_l("That withdrawal does not exist."))
        raise WrongState()
    return session.scalars(select(Withdrawal).where(Withdrawal.id == withdrawal_id)
                           .execution_options(populate_existing=True)).one()


def _attempt(session, withdrawal_id: int) -> int:
    """Failures and retries can repeat, so their ledger keys carry the attempt number."""
    return int(session.scalar(select(func.count()).select_from(LedgerTransaction)
                              .where(LedgerTransaction.withdrawal_id == withdrawal_id,
                                     LedgerTransaction.kind == RETURN))) + 1


def _audit(session, withdrawal: Withdrawal, action: str, by_user_id: int | None, now: datetime,
           reason: str = "") -> None:
    record(session, action=action, brand_id=withdrawal.brand_id, actor_id=by_user_id, now=now,
           subject=f"withdrawal:{withdrawal.id}", after={"status": withdrawal.status,
                                                         "amount_fen": withdrawal.amount_fen}, reason=reason)


def _by_key(session, request_key: str) -> Withdrawal | None:
    return session.scalars(select(Withdrawal).where(Withdrawal.request_key == request_key)).first()


def _same_request(withdrawal: Withdrawal, partner_id: int) -> Withdrawal:
    if withdrawal.partner_id != partner_id:
        raise WithdrawalError()
    return withdrawal
