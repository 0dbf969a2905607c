"""Sending queued messages (outbox topic sms.send): the provider is called after the cause committed."""
from flask import current_app

from mall.outbox.handlers import handles
from mall.sms.provider import get_provider

TOPIC = "sms.send"


def execute(session, payload: dict) -> dict:
    get_provider(current_app.config.get("SMS_PROVIDER")).send(session, phone=payload["phone"], text=payload["text"])
    return {}


def record(session, payload: dict, outcome: dict, now) -> None:
    """Nothing to book: the message is gone; the code it carried is checked against its hash."""


handles(TOPIC, execute=execute, record=record)
