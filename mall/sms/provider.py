"""The SMS provider seam: send(phone, text). The mock keeps messages in its inbox; real providers plug in here."""
import logging
from typing import Protocol

from mall.clock import utcnow
from mall.database import plain_session
from mall.sms.models import SmsMessage

log = logging.getLogger(__name__)


class SmsUnavailable(Exception):
    """No provider is configured (production before one is chosen)."""


class SmsProvider(Protocol):
    def send(self, session, *, phone: str, text: str) -> None:
        """Deliver one message; raise for a failure worth retrying. Called with no transaction open."""


class MockSmsProvider:
    """Development: the message lands in the mock inbox (/dev/sms) and in the log, nowhere else."""

    def send(self, session, *, phone: str, text: str) -> None:
        # Called by the outbox with no transaction open: the inbox commits in a transaction of its own, as a
        # real provider's books would; inside a caller's transaction it goes in a savepoint of it.
        session = plain_session(session)
        with session.begin_nested() if session.in_transaction() else session.begin():
            session.add(SmsMessage(phone=phone, body=text, sent_at=utcnow()))
        log.info("mock SMS to %s: %s", phone, text)


PROVIDERS: dict[str, SmsProvider] = {"mock": MockSmsProvider()}


def get_provider(name: str | None) -> SmsProvider:
    provider = PROVIDERS.get(name or "")
    if provider is None:
        raise SmsUnavailable(name or "")
    return provider
