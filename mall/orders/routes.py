"""Placeholder blueprint; replaced by the real pages."""
from flask import Blueprint

bp = Blueprint("orders", __name__)


@bp.get("/orders")
def mine():
    return "orders"
