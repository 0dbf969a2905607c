"""People: consumers, partners, shop guides, store managers, brand and platform admins."""
import secrets
from datetime import datetime
from enum import StrEnum

from flask_login import UserMixin
from sqlalchemy import Boolean, CheckConstraint, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship
from werkzeug.security import check_password_hash, generate_password_hash

from mall.clock import utcnow
from mall.extensions import db


class Role(StrEnum):
    CONSUMER = "consumer"
    PARTNER = "partner"
    GUIDE = "guide"
    STORE_MANAGER = "store_manager"
    BRAND_ADMIN = "brand_admin"
    PLATFORM_ADMIN = "platform_admin"


# Roles that work for one brand (and, for guides and managers, one store of it).
BRAND_STAFF = {Role.GUIDE, Role.STORE_MANAGER, Role.BRAND_ADMIN}
STORE_STAFF = {Role.GUIDE, Role.STORE_MANAGER}


def new_session_token() -> str:
    """A fresh, unguessable session token (43 characters)."""
    return secrets.token_urlsafe(32)


class User(UserMixin, db.Model):
    __tablename__ = "users"
    __table_args__ = (
        CheckConstraint("phone IS NOT NULL OR email IS NOT NULL", name="has_login"),
        CheckConstraint(
            "role IN ('consumer','partner','guide','store_manager','brand_admin','platform_admin')",
            name="role_known",
        ),
        CheckConstraint("role NOT IN ('guide','store_manager') OR store_id IS NOT NULL", name="staff_has_store"),
        CheckConstraint("role <> 'brand_admin' OR brand_id IS NOT NULL", name="admin_has_brand"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    phone: Mapped[str | None] = mapped_column(String(20), unique=True)
    email: Mapped[str | None] = mapped_column(String(254), unique=True)
    password_hash: Mapped[str] = mapped_column(String(256))
    name: Mapped[str] = mapped_column(String(40))
    role: Mapped[str] = mapped_column(String(20), default=Role.CONSUMER)
    brand_id: Mapped[int | None] = mapped_column(ForeignKey("brands.id"), index=True)
    store_id: Mapped[int | None] = mapped_column(ForeignKey("stores.id"), index=True)
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    # Set when a text-message code proved the user holds `phone`: only then are its guest orders theirs.
    phone_verified_at: Mapped[datetime | None] = mapped_column(DateTime)
    # Part of every session and remember cookie (see get_id); a new one signs the user out everywhere. The
    # server default '' (rows written by plain SQL) matches no cookie; signing in gives such a user a token.
    session_token: Mapped[str] = mapped_column(String(64), default=new_session_token, server_default="")

    brand = relationship("Brand", foreign_keys=[brand_id])
    store = relationship("Store", foreign_keys=[store_id])

    def set_password(self, password: str) -> None:
        self.password_hash = generate_password_hash(password)

    def check_password(self, password: str) -> bool:
        return check_password_hash(self.password_hash, password)

    def get_id(self) -> str:
        """What Flask-Login keeps in the session and the remember cookie: the id *and* the current token, so a
        cookie issued before the token changed no longer loads the user (mall.accounts.sessions.load_user)."""
        return f"{self.id}:{self.session_token}"

    @property
    def is_active(self) -> bool:  # Flask-Login refuses sessions of disabled users
        return self.active

    @property
    def login(self) -> str:
        return self.phone or self.email or ""
