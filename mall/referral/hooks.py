"""What referral needs to hear from the rest of the app: a login hands the browser's touches to the user."""
from flask import Flask
from flask_login import user_logged_in

from mall.clock import utcnow
from mall.extensions import db
from mall.referral.service import claim_visitor
from mall.referral.visitor import get_visitor_key


def register(app: Flask) -> None:
    user_logged_in.connect(_claim_on_login, app)


def _claim_on_login(app, user, **_extra) -> None:
    key = get_visitor_key()
    if key:  # in the log-in request's transaction, committed with it
        claim_visitor(db.session, visitor_key=key, user_id=user.id, now=utcnow())
