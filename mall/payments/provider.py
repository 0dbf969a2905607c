"""The seam between the mall and a payment provider (WeChat Pay, Alipay, Stripe, or the mock).

A provider starts a payment and hands back where to send the buyer, turns a signed callback into
a CallbackEvent, and refunds. The mall's side (mall.payments.service) only talks to this shape.
"""
from dataclasses import dataclass
from datetime import datetime
from importlib import import_module
from typing import Mapping, Protocol

# Which class serves which provider name in /payments/<provider>/notify; imported on first use.
PROVIDERS = {"mock": "mall.payments.mock.provider:MockProvider"}


class InvalidCallback(Exception):
    """A callback that is not signed by the provider or does not parse: refused with a 400."""


class RefundRefused(Exception):
    """The provider would not refund (more than was paid, unknown charge, reused key)."""


class UnknownProvider(LookupError):
    """No provider of that name is configured."""


@dataclass(frozen=True)
class StartedPayment:
    provider_ref: str  # the provider's id of the charge; callbacks name it
    redirect_url: str  # where the buyer goes to pay


@dataclass(frozen=True)
class CallbackEvent:
    event_id: str  # unique per event at the provider: the idempotency key of the callback
    outcome: str  # "succeeded" | "failed"
    provider_ref: str
    merchant_ref: str  # the mall's order number, echoed back
    amount_fen: int
    failure_reason: str = ""


class PaymentProvider(Protocol):
    name: str

    def start_payment(self, session, *, merchant_ref: str, amount_fen: int, description: str,
                      return_url: str, notify_url: str, merchant_name: str = "") -> StartedPayment: ...

    def parse_callback(self, headers: Mapping[str, str], body: bytes, *, now: datetime) -> CallbackEvent:
        """Verify and parse; raise InvalidCallback for anything that is not a genuine, well-formed event."""

    def refund(self, session, *, provider_ref: str, amount_fen: int, refund_key: str) -> None:
        """Refund once per refund_key (a repeat with the same key is a no-op); raise RefundRefused."""

    def has_succeeded(self, session, *, provider_ref: str) -> bool:
        """Whether the provider holds the buyer's money for this charge (WeChat Pay's and Stripe's order
        query): true before its callback reaches the mall, e.g. while a retry waits after a crash."""


def provider_available(name: str | None) -> bool:
    """Whether `name` (the configured PAYMENT_PROVIDER; "" in production until one is chosen) can take payments."""
    return bool(name) and name in PROVIDERS


def get_provider(name: str) -> PaymentProvider:
    """The provider registered under `name`; UnknownProvider otherwise."""
    target = PROVIDERS.get(name)
    if target is None:
        raise UnknownProvider(name)
    module, cls = target.split(":")
    return getattr(import_module(module), cls)()
