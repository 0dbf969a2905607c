"""API tokens: personal access tokens of consumers and partners, and brand API keys with scopes.

The secret is shown once, when it is made, and only its SHA-256 is stored: a leaked database gives no
working token. A plain hash is enough (no salt, no slow KDF) because the secret is 256 random bits, not
something a person chose; it also lets a request find its token by one indexed lookup.
"""
import hashlib
import secrets
from datetime import datetime

from flask_babel import lazy_gettext as _l
from sqlalchemy import CheckConstraint, DateTime, ForeignKey, String, select, update
from sqlalchemy.orm import Mapped, mapped_column, relationship

from mall.domain import DomainError
from mall.extensions import db

PERSONAL, BRAND = "personal", "brand"
READ, WRITE = "read", "write"
SCOPES = (READ, WRITE)
PREFIXES = {PERSONAL: "mall_pat_", BRAND: "mall_key_"}
NAME_MAX = 60
MAX_ACTIVE = 20  # per user or brand: more is a script gone wrong, not a person


class TokenError(DomainError):
    message = _l("The token could not be created.")


class ApiToken(db.Model):
    __tablename__ = "api_tokens"
    __table_args__ = (
        CheckConstraint("kind IN ('personal', 'brand')", name="kind_known"),
        CheckConstraint("(kind = 'personal' AND user_id IS NOT NULL) OR (kind = 'brand' AND brand_id IS NOT NULL)",
                        name="owner_present"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    kind: Mapped[str] = mapped_column(String(8))
    user_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"), index=True)  # personal: whose
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id"), index=True)  # brand key: whose
    name: Mapped[str] = mapped_column(String(NAME_MAX))
    scopes: Mapped[str] = mapped_column(String(20), default=READ)  # space-separated, from SCOPES
    hint: Mapped[str] = mapped_column(String(16))  # the start of the secret, so its owner can tell tokens apart
    token_hash: Mapped[str] = mapped_column(String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(DateTime)
    created_by_id: Mapped[int | None] = mapped_column(ForeignKey("users.id"))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime)

    user = relationship("User", foreign_keys=[user_id])

    def allows(self, scope: str) -> bool:
        return scope in self.scopes.split()


def hash_secret(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(session, *, kind: str, name: str, now: datetime, user_id: int | None = None,
                 brand_id: int | None = None, scopes: tuple[str, ...] = (READ, WRITE),
                 created_by_id: int | None = None) -> tuple[ApiToken, str]:
    """A new token and its secret (returned once, never stored). Raises TokenError."""
    name = " ".join((name or "").split())
    if not name or len(name) > NAME_MAX:
        raise TokenError(_l("Please give the token a name of at most %(max)d characters.", max=NAME_MAX),
                         field="name")
    if not scopes or any(scope not in SCOPES for scope in scopes):
        raise TokenError(_l("Please choose the token's scopes."), field="scopes")
    if len(active_tokens(session, kind=kind, user_id=user_id, brand_id=brand_id)) >= MAX_ACTIVE:
        raise TokenError(_l("There are already %(max)d active tokens. Revoke one first.", max=MAX_ACTIVE))
    secret = PREFIXES[kind] + secrets.token_urlsafe(32)
    token = ApiToken(kind=kind, user_id=user_id if kind == PERSONAL else None,
                     brand_id=brand_id if kind == BRAND else None, name=name,
                     scopes=" ".join(s for s in SCOPES if s in scopes), hint=secret[:13],
                     token_hash=hash_secret(secret), created_at=now, created_by_id=created_by_id)
    session.add(token)
    session.flush()
    return token, secret


def active_tokens(session, *, kind: str, user_id: int | None = None, brand_id: int | None = None) -> list[ApiToken]:
    """A user's personal tokens or a brand's keys that still work, newest first."""
    owner = ApiToken.user_id == user_id if kind == PERSONAL else ApiToken.brand_id == brand_id
    return list(session.scalars(select(ApiToken).where(ApiToken.kind == kind, owner, ApiToken.revoked_at.is_(None))
                                .order_by(ApiToken.id.desc())))


def revoke_token(session, token_id: int, *, now: datetime, user_id: int | None = None,
                 brand_id: int | None = None) -> bool:
    """Revoke one of the user's tokens (user_id) or of the brand's keys (brand_id); False if not theirs or gone."""
    owner = ApiToken.user_id == user_id if user_id is not None else ApiToken.brand_id == brand_id
    if user_id is None and brand_id is None:
        return False
    return session.execute(update(ApiToken).where(ApiToken.id == token_id, owner, ApiToken.revoked_at.is_(None))
                           .values(revoked_at=now).execution_options(synchronize_session=False)).rowcount == 1


def token_for_secret(session, secret: str) -> ApiToken | None:
    """The live token with this secret; a personal token only while its user may still log in."""
    if not secret or len(secret) > 100 or not secret.startswith(tuple(PREFIXES.values())):
        return None
    token = session.scalars(select(ApiToken).where(ApiToken.token_hash == hash_secret(secret),
                                                   ApiToken.revoked_at.is_(None))).first()
    if token is None or (token.kind == PERSONAL and not token.user.is_active):
        return None
    return token
