"""Placeholder blueprint; replaced by the real pages."""
from flask import Blueprint

bp = Blueprint("accounts", __name__)


@bp.get("/login")
def login():
    return "accounts"


@bp.post("/logout")
def logout():
    return "logout"
