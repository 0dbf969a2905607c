"""Who is calling the API: a bearer token in the Authorization header, and nothing else.

Cookies are never read here (no session, no remember cookie, no visitor cookie), so a page a signed-in
browser visits cannot make it call the API on its owner's behalf; that is also why CSRF does not apply.
Tokens never reach a log: only their hash is looked up, and the access log (gunicorn) records paths only.
"""
from flask import g, request

from mall.accounts.api_tokens import BRAND, PERSONAL, READ, WRITE, ApiToken, token_for_secret
from mall.api.problems import ApiProblem
from mall.extensions import db

PUBLIC, CONSUMER, PARTNER = "public", "consumer", "partner"  # with BRAND: who an operation is for
CHALLENGE = {"WWW-Authenticate": 'Bearer realm="mall"'}


def bearer_secret() -> str | None:
    scheme, _, secret = request.headers.get("Authorization", "").partition(" ")
    return secret.strip() if scheme.lower() == "bearer" and secret.strip() else None


def authenticate(audience: str, method: str) -> ApiToken | None:
    """The token allowed to call an operation for `audience`; raises 401 without one, 403 for the wrong kind."""
    if audience == PUBLIC:
        return None
    token = token_for_secret(db.session, bearer_secret() or "")
    if token is None:
        raise ApiProblem("unauthenticated", headers=CHALLENGE)
    wanted = BRAND if audience == BRAND else PERSONAL
    if token.kind != wanted:
        raise ApiProblem("forbidden", _wrong_kind(audience))
    scope = READ if method in ("GET", "HEAD") else WRITE
    if not token.allows(scope):
        raise ApiProblem("forbidden", f"This API key lacks the '{scope}' scope.")
    g.api_token = token
    return token


def current_token() -> ApiToken:
    return g.api_token


def _wrong_kind(audience: str) -> str:
    if audience == BRAND:
        return "Brand endpoints need a brand API key (mall_key_…), made in the brand admin."
    return "This endpoint needs a personal access token (mall_pat_…), made on the account page."
