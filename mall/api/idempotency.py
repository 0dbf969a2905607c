"""Idempotency-Key on the POSTs that create money-bearing things (orders, withdrawals).

The same key with the same body answers what the first request answered; the same key with another body
is refused (422 idempotency-key-reused), so a client retrying after a timeout can never buy or withdraw
twice, and a client reusing a key by mistake is told. The record is written in the request's transaction,
with what it created; the domain's own unique key (the order's, the withdrawal's) is derived from the
token and the key, so two concurrent first requests still make one order: the loser of the race finds
the winner's row and answers with it.
"""
import hashlib
import json
import re

from flask import Response, jsonify, request
from sqlalchemy import select
from sqlalchemy.exc import IntegrityError

from mall.api.models import IdempotencyRecord
from mall.api.problems import ApiProblem
from mall.database import savepoint

HEADER = "Idempotency-Key"
KEY = re.compile(r"[A-Za-z0-9_-]{8,64}")
HEADER_SPEC = {"in": "header", "name": HEADER, "required": True,
               "schema": {"type": "string", "pattern": "^[A-Za-z0-9_-]{8,64}$"},
               "description": "A key of your choice, unique per request: a retry with the same key and body "
                              "returns the first answer."}


def request_key() -> str:
    key = request.headers.get(HEADER, "")
    if not KEY.fullmatch(key):
        raise ApiProblem("validation-failed", errors=[{"field": HEADER, "message":
                                                       "Send an Idempotency-Key header of 8 to 64 letters, "
                                                       "digits, '-' or '_'."}])
    return key


def body_hash(body: dict) -> str:
    return hashlib.sha256(json.dumps(body, sort_keys=True, default=str).encode()).hexdigest()


def domain_key(token_id: int, operation: str, key: str) -> str:
    """The key handed to the domain's own idempotency column: 40 hex characters, the same for a retry."""
    return "api" + hashlib.sha256(f"{token_id}:{operation}:{key}".encode()).hexdigest()[:37]


def replayed(session, *, token_id: int, operation: str, key: str, digest: str) -> Response | None:
    """The stored answer to this key, or None for a new key; raises for a key reused with another body."""
    found = session.scalars(select(IdempotencyRecord).where(IdempotencyRecord.token_id == token_id,
                                                            IdempotencyRecord.operation == operation,
                                                            IdempotencyRecord.key == key)).first()
    if found is None:
        return None
    if found.request_hash != digest:
        raise ApiProblem("idempotency-key-reused")
    response = jsonify(found.response)
    response.status_code = found.status_code
    response.headers["Idempotent-Replayed"] = "true"
    return response


def remember(session, *, token_id: int, operation: str, key: str, digest: str, status: int, body: dict,
             now) -> None:
    try:
        with savepoint(session):
            session.add(IdempotencyRecord(token_id=token_id, operation=operation, key=key, request_hash=digest,
                                          status_code=status, response=body, created_at=now))
    except IntegrityError:
        # A concurrent request with this key recorded it first; the domain key made both the same object,
        # which is right only if it was the same request.
        if replayed(session, token_id=token_id, operation=operation, key=key, digest=digest) is None:
            raise
