"""Sessions that can be revoked: every session and remember cookie carries the user's session token.

Flask-Login keeps `User.get_id()` ("<id>:<token>") in the session and in the remember cookie, and hands it
back to `load_user` on every request. A new token (logout, password change, "sign out everywhere") makes every
cookie issued before it load no one, on every device, at once: nothing has to be found and deleted.
"""
import hmac
from datetime import timedelta

from flask import Flask, current_app, request
from flask_login import decode_cookie, login_user
from flask_login.config import COOKIE_NAME

from mall.accounts.models import User, new_session_token
from mall.extensions import db, login_manager

REMEMBER_DAYS = 30


def init_app(app: Flask) -> None:
    """The user loader and the remember cookie's defaults (app config wins when set)."""
    # Flask-Login's default is a year, sent over plain http and to cross-site requests.
    app.config.setdefault("REMEMBER_COOKIE_DURATION", timedelta(days=REMEMBER_DAYS))
    app.config.setdefault("REMEMBER_COOKIE_SECURE", app.config["SESSION_COOKIE_SECURE"])
    app.config.setdefault("REMEMBER_COOKIE_HTTPONLY", True)
    app.config.setdefault("REMEMBER_COOKIE_SAMESITE", app.config.get("SESSION_COOKIE_SAMESITE") or "Lax")
    login_manager.user_loader(lambda user_id: load_user(db.session, user_id))


def load_user(session, user_id: str) -> User | None:
    """The user a session or remember cookie names, if its token is still the user's current one."""
    ident, _, token = (user_id or "").partition(":")
    if not (ident.isascii() and ident.isdigit()) or not token:
        return None  # a plain id, from a cookie issued before session tokens: log in again
    user = session.get(User, int(ident))
    if user is None or not user.session_token:
        return None
    return user if hmac.compare_digest(user.session_token.encode(), token.encode()) else None


def revoke_sessions(user: User) -> None:
    """Every session and remember cookie of the user stops working at its next request (the caller commits)."""
    user.session_token = new_session_token()


def sign_in(session, user: User, *, remember: bool = False) -> None:
    """Log the user in on this browser (commits only to give a token to a user written by plain SQL)."""
    if not user.session_token:
        revoke_sessions(user)
        session.commit()
    login_user(user, remember=remember)


def remembered_here(user: User) -> bool:
    """Whether this browser holds a valid remember cookie of the user (so staying signed in keeps it)."""
    cookie = request.cookies.get(current_app.config.get("REMEMBER_COOKIE_NAME", COOKIE_NAME))
    return bool(cookie) and decode_cookie(cookie) == user.get_id()
