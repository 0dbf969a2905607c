"""Configuration from the environment; defaults make a laptop run with no setup."""
import os


def _int(name: str, default: int) -> int:
    return int(os.environ.get(name, default))


def _list(name: str) -> tuple[str, ...]:
    return tuple(item.strip() for item in os.environ.get(name, "").split(",") if item.strip())


class Config:
    # "development" (the default: dev secrets, the mock provider, loopback hosts) or "production"
    # (gunicorn.conf.py sets it). mall.startup resolves what depends on it and refuses unsafe setups.
    MALL_ENV = os.environ.get("MALL_ENV", "development")
    # Signed cookies keep the app stateless across hosts; production must set its own key.
    # None means "unset": development fills in a dev value, production refuses to start.
    SECRET_KEY = os.environ.get("SECRET_KEY")
    # The one address the mall is reached at (scheme, host, optional port and path prefix): every
    # absolute URL it hands out (payment return and callback, share links, QR codes, OG tags) is
    # built from it, never from the request's Host header. Development default: http://127.0.0.1:5000.
    PUBLIC_BASE_URL = os.environ.get("PUBLIC_BASE_URL")
    # Further host names the mall answers to (comma-separated; ".example.com" allows subdomains).
    # PUBLIC_BASE_URL's host is always allowed; any other Host header gets a 400.
    ALLOWED_HOSTS = _list("ALLOWED_HOSTS")
    # None means "embedded SQLite in the instance folder", resolved in create_app.
    SQLALCHEMY_DATABASE_URI = os.environ.get("DATABASE_URL")
    SQLALCHEMY_ENGINE_OPTIONS = {"pool_pre_ping": True}
    BABEL_DEFAULT_LOCALE = "zh_CN"
    BABEL_DEFAULT_TIMEZONE = os.environ.get("MALL_TIMEZONE", "Asia/Shanghai")
    LANGUAGES = ("zh_CN", "en")
    WTF_CSRF_TIME_LIMIT = None  # a product page may stay open in a chat tab for hours
    MAX_CONTENT_LENGTH = 8 * 1024 * 1024
    SESSION_COOKIE_SAMESITE = "Lax"
    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SECURE = os.environ.get("SESSION_COOKIE_SECURE", "0") == "1"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    # Orders left unpaid this long are cancelled by `flask mall cancel-unpaid` and their stock released.
    ORDER_PAYMENT_TIMEOUT_MINUTES = _int("ORDER_PAYMENT_TIMEOUT_MINUTES", 30)
    # None means "unset": "mock" in development; in production there is no provider (checkout says
    # payment is unavailable) until one is named, so the mock's test cards never take real orders.
    PAYMENT_PROVIDER = os.environ.get("PAYMENT_PROVIDER")
    # Shared secret between the mall and the payment provider for signing callbacks (None: as SECRET_KEY).
    # Who sends text messages (one-time codes): None means "unset": "mock" in development (its inbox is
    # /dev/sms), none in production until one is named, so codes never land in a page anybody can read.
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER")
    PAYMENT_WEBHOOK_SECRET = os.environ.get("PAYMENT_WEBHOOK_SECRET")
    # How the mock provider delivers its callback: "http" (a background thread POSTs to the
    # notify URL, like a real provider) or "wsgi" (in-process, synchronous; tests).
    MOCK_PAY_DELIVERY = os.environ.get("MOCK_PAY_DELIVERY", "http")
    # When set, callbacks go to this base URL instead of PUBLIC_BASE_URL
    # (useful behind a load balancer whose public name does not resolve inside the network).
    PAYMENT_NOTIFY_BASE_URL = os.environ.get("PAYMENT_NOTIFY_BASE_URL")
    FORCE_HTTPS = os.environ.get("FORCE_HTTPS", "0") == "1"
    TRUSTED_PROXY_HOPS = _int("TRUSTED_PROXY_HOPS", 0)
    # Where uploaded images live: "local" (instance/uploads, one host) or "s3" (a bucket every host shares).
    MEDIA_STORAGE = os.environ.get("MEDIA_STORAGE", "local")
    S3_BUCKET = os.environ.get("S3_BUCKET")
    S3_ENDPOINT_URL = os.environ.get("S3_ENDPOINT_URL")  # MinIO or another S3-compatible store; unset for AWS
    S3_REGION = os.environ.get("S3_REGION")
    # A CDN in front of the bucket: image URLs point there and images never pass through the app.
    MEDIA_PUBLIC_BASE_URL = os.environ.get("MEDIA_PUBLIC_BASE_URL")
    # Live rooms: hosts allowed to serve HLS (.m3u8) and MP4 streams, comma-separated (the room page's CSP
    # lets media load from the room's host only). Embeds come from the providers in mall/live/streams.py.
    LIVE_MEDIA_HOSTS = _list("LIVE_MEDIA_HOSTS")

    # Page cache (mall/page_cache.py, Flask-Caching): anonymous visitors' product, home, brand, storefront and
    # live room pages, rendered once and served for PAGE_CACHE_SECONDS (how old stock and "recent orders" may
    # be; prices are part of the key). The query behind that key is remembered per process for
    # PAGE_FRESHNESS_SECONDS: a price change made on another worker shows within it (0: asked every request).
    # SimpleCache keeps pages in each worker's memory; production with several hosts sets
    # CACHE_TYPE=RedisCache and CACHE_REDIS_URL=redis://host:6379/1?socket_timeout=0.2 (a slow Redis then
    # costs a render, never an error). 0 turns the cache off.
    PAGE_CACHE_SECONDS = _int("PAGE_CACHE_SECONDS", 3)
    PAGE_FRESHNESS_SECONDS = _int("PAGE_FRESHNESS_SECONDS", 1)
    # A share link's plain case (anonymous GET) answered before Flask runs (mall.referral.link_fast_path); 0 sends
    # every share link through Flask's view, which answers the same.
    SHARE_LINK_FAST_PATH = os.environ.get("SHARE_LINK_FAST_PATH", "1") == "1"
    CACHE_TYPE = os.environ.get("CACHE_TYPE", "SimpleCache")
    CACHE_REDIS_URL = os.environ.get("CACHE_REDIS_URL")
    CACHE_KEY_PREFIX = os.environ.get("CACHE_KEY_PREFIX", "mall:")
    CACHE_THRESHOLD = 2000  # SimpleCache: pages kept per worker (a product page is about 10 KB)
    # The live pin poll's 304 (mall/live/poll.py) compares the viewer's ETag with the room's state kept in the
    # same cache for this many seconds, so a room costs one database read per second per cache (per worker with
    # SimpleCache, per Redis with RedisCache) instead of one per poll. A pin reaches a viewer within the poll
    # interval plus this. 0 reads the database on every poll.
    LIVE_PIN_CACHE_SECONDS = _int("LIVE_PIN_CACHE_SECONDS", 1)

    # Rate limits (mall/ratelimits.py), in Flask-Limiter's syntax. The counters live in the storage:
    # memory:// counts in each process, so several hosts or gunicorn workers would each count alone;
    # production sets RATELIMIT_STORAGE_URI=redis://host:6379/0, shared by every host.
    RATELIMIT_ENABLED = os.environ.get("RATELIMIT_ENABLED", "1") == "1"
    RATELIMIT_STORAGE_URI = os.environ.get("RATELIMIT_STORAGE_URI", "memory://")
    RATELIMIT_STORAGE_OPTIONS = {"socket_connect_timeout": 1, "socket_timeout": 1}  # a slow Redis must not stall logins
    RATELIMIT_STRATEGY = os.environ.get("RATELIMIT_STRATEGY", "fixed-window")
    RATELIMIT_KEY_PREFIX = os.environ.get("RATELIMIT_KEY_PREFIX", "mall")
    # Redis unreachable: keep counting in each process's memory (logged) rather than fail every login.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    # Per-IP limits are generous: a store's Wi-Fi or a carrier's NAT puts many real customers behind one IP.
    RATELIMIT_LOGIN_IP = os.environ.get("RATELIMIT_LOGIN_IP", "20 per minute; 100 per hour")  # failed only
    RATELIMIT_LOGIN_ACCOUNT = os.environ.get("RATELIMIT_LOGIN_ACCOUNT", "5 per minute; 20 per hour")  # failed only
    RATELIMIT_REGISTER_IP = os.environ.get("RATELIMIT_REGISTER_IP", "10 per minute; 50 per hour")
    RATELIMIT_REGISTER_ACCOUNT = os.environ.get("RATELIMIT_REGISTER_ACCOUNT", "5 per hour")  # per login name
    RATELIMIT_ORDER = os.environ.get("RATELIMIT_ORDER", "20 per minute; 200 per hour")
    RATELIMIT_REFUND = os.environ.get("RATELIMIT_REFUND", "5 per minute; 30 per hour")
    RATELIMIT_WITHDRAWAL = os.environ.get("RATELIMIT_WITHDRAWAL", "5 per minute; 20 per day")  # per account
    RATELIMIT_PASSWORD_CHANGE = os.environ.get("RATELIMIT_PASSWORD_CHANGE", "5 per minute; 20 per hour")  # failed
    # Text-message codes cost money and reach a stranger's phone: few per IP, fewer per number; tries per IP.
    RATELIMIT_SMS_IP = os.environ.get("RATELIMIT_SMS_IP", "5 per minute; 30 per day")
    RATELIMIT_SMS_PHONE = os.environ.get("RATELIMIT_SMS_PHONE", "3 per 10 minutes; 10 per day")
    RATELIMIT_CODE_CHECK = os.environ.get("RATELIMIT_CODE_CHECK", "10 per minute; 60 per hour")
    RATELIMIT_TOUCH = os.environ.get("RATELIMIT_TOUCH", "60 per minute; 1000 per hour")  # touch rows per IP
    # Payment callbacks per sending IP: all of them (a provider's own during a sale), and refused ones (forgeries).
    RATELIMIT_CALLBACK = os.environ.get("RATELIMIT_CALLBACK", "600 per minute")
    RATELIMIT_CALLBACK_REFUSED = os.environ.get("RATELIMIT_CALLBACK_REFUSED", "20 per minute")
    # API calls per token (per IP without one): a mini-program's user or a brand's data platform.
    RATELIMIT_API = os.environ.get("RATELIMIT_API", "120 per minute; 5000 per hour")
    RATELIMIT_API_REFUSED = os.environ.get("RATELIMIT_API_REFUSED", "30 per minute; 300 per hour")  # 401s per IP


class TestConfig(Config):
    TESTING = True
    MALL_ENV = "development"
    SECRET_KEY = "test-secret"
    # Who sends text messages (one-time codes): None means "unset": "mock" in development (its inbox is
    # /dev/sms), none in production until one is named, so codes never land in a page anybody can read.
    SMS_PROVIDER = os.environ.get("SMS_PROVIDER")
    PAYMENT_WEBHOOK_SECRET = "test-webhook-secret"
    PAYMENT_PROVIDER = "mock"
    MOCK_PAY_DELIVERY = "wsgi"
    # Limits stay on in tests (tests/conftest.py resets the counters between tests), in this process only.
    RATELIMIT_ENABLED = True
    RATELIMIT_STORAGE_URI = "memory://"
    # Off: tests read pages right after changing stock; tests/integration/test_page_cache.py turns it on.
    PAGE_CACHE_SECONDS = 0
    PAGE_FRESHNESS_SECONDS = 0
    # Off for the same reason (tests poll right after pinning); tests/integration/test_live_pin_cache.py turns it on.
    LIVE_PIN_CACHE_SECONDS = 0
    # The test client's default host, so the absolute URLs tests see are the ones it can open.
    PUBLIC_BASE_URL = "http://localhost"
    ALLOWED_HOSTS = ()
    PAYMENT_NOTIFY_BASE_URL = None
