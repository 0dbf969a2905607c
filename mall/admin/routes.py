"""Placeholder blueprint; replaced by the real pages."""
from flask import Blueprint

bp = Blueprint("admin", __name__)


@bp.get("/admin/orders")
def orders():
    return "admin"
