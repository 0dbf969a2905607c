"""The distribution mall: create_app wires configuration, extensions, blueprints and commands."""
import os

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from mall.config import Config
from mall.csp import CSP
from mall.database import configure_sqlite
from mall.extensions import babel, cache, csrf, db, login_manager, migrate, talisman
from mall.ids import IdConverter
from mall.media.extension import media, media_image_sources
from mall.sqlite_writers import TakingTurns
from mall.startup import resolve as resolve_settings


def create_app(config: dict | type | None = None) -> Flask:
    root = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    app = Flask(
        __name__,
        instance_path=os.environ.get("MALL_INSTANCE_PATH", os.path.join(root, "instance")),
        template_folder=os.path.join(root, "templates"),
        static_folder=os.path.join(root, "static"),
    )
    # Before any blueprint is registered: every <int:id> in a route is bounded to a database id.
    app.url_map.converters["int"] = IdConverter
    app.config.from_object(Config)
    if isinstance(config, dict):
        app.config.from_mapping(config)
    elif config is not None:
        app.config.from_object(config)
    resolve_settings(app.config)  # raises ConfigError: production without its secrets never serves
    os.makedirs(app.instance_path, exist_ok=True)
    app.config["SQLALCHEMY_DATABASE_URI"] = database_url(app)
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        # A file on this host never drops a connection; the ping would be one more query on every request.
        # Writers take turns at a file lock rather than sleeping on SQLite's (mall.sqlite_writers).
        options = app.config["SQLALCHEMY_ENGINE_OPTIONS"]
        app.config["SQLALCHEMY_ENGINE_OPTIONS"] = {
            **options, "pool_pre_ping": False,
            "connect_args": {"factory": TakingTurns, **options.get("connect_args", {})}}

    import mall.models  # noqa: F401  (registers every table)
    from mall import errors, metrics, subscribers, unit_of_work

    errors.refuse_untrusted_hosts(app)  # before the extensions' hooks, which read the Host header too
    # The first after_request hook registered, so the last to run (Flask runs them in reverse): it ends the
    # request's transaction after every other hook has had its say.
    unit_of_work.init_app(app)
    metrics.init_app(app)  # its timer starts before, and stops after, every other hook but the commit
    _init_extensions(app)
    subscribers.register()
    _register_blueprints(app)
    from mall import cli, ratelimits, templating
    from mall.api import blueprint as api
    from mall.referral import hooks as referral_hooks

    api.init_app(app)
    errors.register(app)
    ratelimits.init_app(app)  # after the blueprints: it wraps the views marked @limited
    api.init_errors(app)  # after the pages' error handlers, which it keeps for everything outside /api/
    referral_hooks.register(app)
    templating.register(app)
    from mall import page_cache

    page_cache.watch_changes()  # a commit that changes what pages show renews their fingerprints everywhere
    from mall.live import share as live_share

    live_share.register(app)  # the share centre's live-rooms section, without referral importing live
    cli.register(app)
    from mall.live.poll import PinPoll

    app.wsgi_app = PinPoll(app.wsgi_app, app)  # the viewers' "nothing changed" answered before Flask runs
    from mall.referral.link_fast_path import ShareLinkFastPath

    app.wsgi_app = ShareLinkFastPath(app.wsgi_app, app)  # a share link's touch and redirect, before Flask runs
    from mall.page_front import PageFront

    app.wsgi_app = PageFront(app.wsgi_app, app)  # anonymous visitors' cached pages answered before Flask runs
    hops = app.config["TRUSTED_PROXY_HOPS"]
    if hops:  # behind a load balancer: trust its X-Forwarded-* so external URLs and client IPs are right
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=hops, x_proto=hops, x_host=hops)
    return app


def database_url(app: Flask) -> str:
    """DATABASE_URL (PostgreSQL in production) or the embedded SQLite file in the instance folder."""
    url = app.config.get("SQLALCHEMY_DATABASE_URI")
    if not url:
        return "sqlite:///" + os.path.join(app.instance_path, "mall.db")
    # Hosting platforms hand out postgres:// URLs; we speak psycopg 3.
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def _init_extensions(app: Flask) -> None:
    db.init_app(app)
    with app.app_context():
        configure_sqlite(db.engine)
    migrate.init_app(app, db, directory=os.path.join(os.path.dirname(app.root_path), "migrations"),
                     render_as_batch=True, compare_type=True)
    login_manager.init_app(app)
    login_manager.login_view = "accounts.login"
    from flask_babel import lazy_gettext

    login_manager.login_message = lazy_gettext("Please log in to see this page.")
    login_manager.login_message_category = "info"
    csrf.init_app(app)
    cache.init_app(app)
    media.init_app(app)
    from mall.i18n import select_locale

    babel.init_app(app, locale_selector=select_locale)
    talisman.init_app(
        app,
        force_https=app.config["FORCE_HTTPS"],
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        content_security_policy={**CSP, "img-src": media_image_sources(app.config)},
        # Open Graph crawlers of chat apps must be able to read pages; no need for strict referrer.
        referrer_policy="strict-origin-when-cross-origin",
    )
    from mall.accounts import sessions

    sessions.init_app(app)  # the user loader, checking each cookie's session token; remember-cookie defaults


def _register_blueprints(app: Flask) -> None:
    from mall.accounts.routes import bp as accounts_bp
    from mall.admin import bp as admin_bp
    from mall.content.routes import bp as content_bp
    from mall.i18n import bp as i18n_bp
    from mall.live.console import bp as live_host_bp
    from mall.live.manage import bp as live_manage_bp
    from mall.live.routes import bp as live_bp
    from mall.partner.routes import bp as partner_bp
    from mall.partner.share import bp as share_bp
    from mall.partner.today import bp as today_bp
    from mall.payments.mock.routes import bp as mockpay_bp
    from mall.payments.routes import bp as payments_bp
    from mall.referral.routes import bp as referral_bp
    from mall.sharing import links
    from mall.sharing.routes import bp as sharing_bp
    from mall.shop.lookup_routes import bp as lookup_bp
    from mall.shop.order_routes import bp as orders_bp
    from mall.shop.routes import bp as catalog_bp
    from mall.sms.routes import bp as sms_bp
    from mall.storefront.routes import bp as storefront_bp

    for bp in (catalog_bp, orders_bp, payments_bp, accounts_bp, admin_bp, i18n_bp, partner_bp, today_bp, referral_bp,
               lookup_bp, live_bp, live_host_bp, live_manage_bp, share_bp, sharing_bp, content_bp, storefront_bp):
        app.register_blueprint(bp)
    links.init_app(app)
    # The mock "bank" (its payment page and test cards) exists only where it is the chosen provider:
    # always in development, in production only if PAYMENT_PROVIDER=mock is set on purpose.
    if app.config["PAYMENT_PROVIDER"] == "mock":
        app.register_blueprint(mockpay_bp)
    # Likewise the mock SMS inbox, which shows every code it "sent": never in production.
    if app.config["SMS_PROVIDER"] == "mock" and app.config["MALL_ENV"] != "production":
        app.register_blueprint(sms_bp)
