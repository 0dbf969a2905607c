"""/admin: the console's home, where an admin lands after logging in."""
from zoneinfo import ZoneInfo

from flask import Blueprint, render_template
from flask_babel import get_timezone

from mall.admin.access import admin_brand_id
from mall.admin.home.queries import today
from mall.clock import utcnow
from mall.extensions import db

bp = Blueprint("home", __name__)


@bp.get("/")
def index():
    figures = today(db.session, admin_brand_id(), now=utcnow(), tz=ZoneInfo(str(get_timezone())))
    return render_template("admin/home.html", today=figures, tab="home")
