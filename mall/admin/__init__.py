"""The admin console under /admin: one blueprint per area, nested under the "admin" blueprint.

The access check is registered here once, as the parent's before_request (mall.admin.access): Flask runs
it for every view of every nested blueprint, so an area's views never check who is asking themselves,
and an area added later is guarded by being registered here. Endpoints read admin.<area>.<view>:
admin.home.index (/admin/), admin.orders.show, admin.withdrawals.queue, admin.users.sign_out_everywhere.
"""
from flask import Blueprint

from mall.admin.access import require_brand_admin
from mall.admin.api_keys.routes import bp as api_keys_bp
from mall.admin.audit_log.routes import bp as audit_bp
from mall.admin.brands.routes import bp as brands_bp
from mall.admin.content.routes import bp as content_bp
from mall.admin.home.routes import bp as home_bp
from mall.admin.journeys.routes import bp as journeys_bp
from mall.admin.labels import admin_label
from mall.admin.live.routes import bp as live_bp
from mall.admin.orders.routes import bp as orders_bp
from mall.admin.partners.routes import bp as partners_bp
from mall.admin.products.routes import bp as products_bp
from mall.admin.reports.routes import bp as reports_bp
from mall.admin.rules.routes import bp as rules_bp
from mall.admin.stores.routes import bp as stores_bp
from mall.admin.users.routes import bp as users_bp
from mall.admin.webhooks.routes import bp as webhooks_bp
from mall.admin.withdrawals.routes import bp as withdrawals_bp

bp = Blueprint("admin", __name__, url_prefix="/admin")
bp.before_request(require_brand_admin)
for area in (home_bp, orders_bp, withdrawals_bp, products_bp, partners_bp, rules_bp, stores_bp, audit_bp, reports_bp,
             brands_bp, users_bp, live_bp, content_bp, webhooks_bp, api_keys_bp, journeys_bp):
    bp.register_blueprint(area)


@bp.app_template_filter("admin_label")
def _admin_label_filter(code, table):
    return admin_label(code, table)
