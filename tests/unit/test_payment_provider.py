"""MockProvider.parse_callback: a genuine, well-formed event or InvalidCallback, never anything else."""
import json

import pytest

from mall.clock import utcnow
from mall.payments.mock.provider import MockProvider
from mall.payments.provider import InvalidCallback, UnknownProvider, get_provider
from mall.payments.signing import HEADER, signature_header

SECRET = "test-webhook-secret"  # TestConfig's


def _event(**data_changes):
    data = {"charge": "ch_1", "merchant_ref": "261124-ABCDEF", "amount_fen": 12800, "currency": "CNY",
            "failure_reason": ""}
    data.update(data_changes)
    return {"id": "evt_1", "type": "payment.succeeded", "created": 0, "data": data}


def _parse(app, body: bytes, secret: str = SECRET):
    with app.app_context():
        headers = {HEADER: signature_header(secret, body, now=utcnow())}
        return MockProvider().parse_callback(headers, body, now=utcnow())


def test_a_signed_event_parses(app):
    event = _parse(app, json.dumps(_event()).encode())
    assert (event.event_id, event.outcome, event.provider_ref, event.merchant_ref, event.amount_fen) == \
        ("evt_1", "succeeded", "ch_1", "261124-ABCDEF", 12800)


def test_a_failed_event_carries_its_reason(app):
    payload = _event(failure_reason="processing_error")
    payload["type"] = "payment.failed"
    event = _parse(app, json.dumps(payload).encode())
    assert (event.outcome, event.failure_reason) == ("failed", "processing_error")


def test_a_body_signed_with_another_secret_is_invalid(app):
    with pytest.raises(InvalidCallback):
        _parse(app, json.dumps(_event()).encode(), secret="not-the-secret")


def test_an_unsigned_body_is_invalid(app):
    with app.app_context(), pytest.raises(InvalidCallback):
        MockProvider().parse_callback({}, json.dumps(_event()).encode(), now=utcnow())


@pytest.mark.parametrize("body", [
    b"", b"not json", b"\xff\xfe\x00", b"[]", b"null", b'"text"', b"{}", b'{"id": "evt_1"}',
    b"[" * 100000 + b"]" * 100000,
    json.dumps({**_event(), "type": "charge.disputed"}).encode(),
    json.dumps({**_event(), "id": ""}).encode(),
    json.dumps({**_event(), "id": "e" * 200}).encode(),
    json.dumps({**_event(), "id": 7}).encode(),
    json.dumps({**_event(), "data": "x"}).encode(),
    json.dumps(_event(amount_fen="12800")).encode(),
    json.dumps(_event(amount_fen=128.5)).encode(),
    json.dumps(_event(amount_fen=True)).encode(),
    json.dumps(_event(amount_fen=0)).encode(),
    json.dumps(_event(amount_fen=-100)).encode(),
    json.dumps(_event(amount_fen=10**30)).encode(),
    json.dumps(_event(charge=None)).encode(),
    json.dumps(_event(charge="ch_1\u0000")).encode(),
    json.dumps({**_event(), "id": "evt 1; DROP TABLE"}).encode(),
    json.dumps(_event(merchant_ref="261124-ABC\u0000")).encode(),
    json.dumps(_event(merchant_ref=["x"])).encode(),
    json.dumps(_event(failure_reason={"a": 1})).encode(),
])
def test_signed_but_malformed_bodies_are_invalid(app, body):
    with pytest.raises(InvalidCallback):
        _parse(app, body)


def test_control_characters_are_dropped_from_the_failure_reason(app):
    payload = _event(failure_reason="card\u0000 error\n" + "x" * 500)
    payload["type"] = "payment.failed"
    reason = _parse(app, json.dumps(payload).encode()).failure_reason
    assert reason.startswith("card error") and len(reason) == 200 and "\x00" not in reason


def test_unknown_providers_are_reported_as_such():
    assert isinstance(get_provider("mock"), MockProvider)
    with pytest.raises(UnknownProvider):
        get_provider("paypal")
