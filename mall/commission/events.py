"""What happens to commission, as public domain events (the outbox keeps them for webhooks)."""
from dataclasses import dataclass

from mall.events import DomainEvent


@dataclass(frozen=True, kw_only=True)
class CommissionAccrued(DomainEvent):
    """An order's planned shares became pending (at payment, or again after a re-attribution)."""

    topic = "commission.accrued"
    order_id: int
    brand_id: int
    shares: int
    amount_fen: int


@dataclass(frozen=True, kw_only=True)
class CommissionSettled(DomainEvent):
    """An order's pending shares became available to withdraw, once its freeze period was over."""

    topic = "commission.settled"
    order_id: int
    brand_id: int
    shares: int
    amount_fen: int


@dataclass(frozen=True, kw_only=True)
class CommissionReversed(DomainEvent):
    """A refund (refund_id) or a re-attribution (None) took commission back."""

    topic = "commission.reversed"
    order_id: int
    brand_id: int
    refund_id: int | None
    amount_fen: int


@dataclass(frozen=True, kw_only=True)
class WithdrawalRequested(DomainEvent):
    """A partner asked for available money; it is reserved until the brand decides."""

    topic = "withdrawal.requested"
    withdrawal_id: int
    brand_id: int
    partner_id: int
    amount_fen: int
    fee_fen: int


@dataclass(frozen=True, kw_only=True)
class WithdrawalPaid(DomainEvent):
    """The payout went out: amount_fen less fee_fen reached the partner."""

    topic = "withdrawal.paid"
    withdrawal_id: int
    brand_id: int
    partner_id: int
    amount_fen: int
    fee_fen: int
    payout_ref: str
