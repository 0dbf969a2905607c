"""Placeholder blueprint; replaced by the real pages."""
from flask import Blueprint

bp = Blueprint("catalog", __name__)


@bp.get("/")
def home():
    return "catalog"
