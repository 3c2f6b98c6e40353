"""Django settings, all read from ``TIDINGS_*`` environment variables (see README)."""

from __future__ import annotations

import secrets
from pathlib import Path

import environ

env = environ.Env()

BASE_DIR = Path(__file__).resolve().parent
DATA_DIR = Path(env.str("TIDINGS_DATA_DIR", default="./tidings-data")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """The configured key, else one generated once and kept in the data dir."""
    configured = env.str("TIDINGS_SECRET_KEY", default="")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
#: The key of the audit chain's HMAC and checkpoint signatures; never in the database.
#: Unset: generated at the first audit event into TIDINGS_AUDIT_KEY_FILE (back it up).
TIDINGS_AUDIT_KEY = env.str("TIDINGS_AUDIT_KEY", default="")
TIDINGS_AUDIT_KEY_FILE = DATA_DIR / "audit_key"
#: Signed checkpoints of the audit chain head, appended outside the database.
#: Several machines: point it at shared storage, or each keeps the checkpoints its own workers wrote.
TIDINGS_AUDIT_CHECKPOINT_FILE = Path(
    env.str("TIDINGS_AUDIT_CHECKPOINT_FILE", default="") or DATA_DIR / "audit" / "checkpoints.jsonl"
).resolve()
#: How many independent hash chains audited writes spread over, so concurrent writers do not
#: queue on one lock (tidings/audit/chain.py); lowering it later is safe.
TIDINGS_AUDIT_STREAMS = env.int("TIDINGS_AUDIT_STREAMS", default=8)
DEBUG = env.bool("TIDINGS_DEBUG", default=False)
DOMAIN = env.str("TIDINGS_DOMAIN", default="localhost:8000")
#: Other or former domains of this platform: links on them name our accounts and posts.
TIDINGS_DOMAIN_ALIASES = env.list("TIDINGS_DOMAIN_ALIASES", default=[])
ALLOWED_HOSTS = ["*"] if DEBUG else [DOMAIN.split(":")[0], "localhost", "127.0.0.1", "[::1]"]
ALLOWED_HOSTS += env.list("TIDINGS_ALLOWED_HOSTS", default=[])
CSRF_TRUSTED_ORIGINS = env.list("TIDINGS_CSRF_TRUSTED_ORIGINS", default=[])

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "tidings",
    "tidings.audit",
    "tidings.social",
    "tidings.legal",
    "tidings.transparency",
    "oauth2_provider",
    "tidings.api",
    "tidings.web",
    "django_tasks",
    "django_tasks_db",
    "tidings.tasks",
    "tidings.streaming",
]

MIDDLEWARE = [
    "tidings.lib.security_headers.HttpsMiddleware",
    "tidings.lib.security_headers.ContentSecurityPolicyMiddleware",
    "tidings.api.errors.JsonApiErrorsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "tidings.visibility.middleware.ViewerMiddleware",
    "tidings.web.suspended.SuspendedAccountMiddleware",
    "tidings.lib.input_guard.InputGuardMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "tidings.urls"
WSGI_APPLICATION = "tidings.wsgi.application"
AUTH_USER_MODEL = "social.Account"
#: Django's model backend with a one-statement ``get_user``; ModelBackend for older sessions.
AUTHENTICATION_BACKENDS = [
    "tidings.social.backends.AccountBackend",
    "django.contrib.auth.backends.ModelBackend",
]
LOGIN_URL = "web:login"
LOGIN_REDIRECT_URL = "web:home"
LOGOUT_REDIRECT_URL = "web:public"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "tidings.web.context.site",
            ],
        },
    },
]

DATABASES = {
    "default": env.db_url(
        "TIDINGS_DATABASE_URL", default=f"sqlite:///{DATA_DIR / 'tidings.sqlite3'}"
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: every transaction takes the write lock at BEGIN (no deadlocks
    # between upgrading readers), readers never wait (WAL), and a writer waits up to 5 s
    # for the lock; no transaction holds it that long (large imports commit in chunks).
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 5,
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
                "PRAGMA mmap_size=134217728; PRAGMA cache_size=-64000;"
            ),
        }
    )
    # Kept open between requests: opening a connection and running the PRAGMAs above costs
    # more than a whole near-empty request.
    DATABASES["default"].setdefault("CONN_MAX_AGE", 600)
    DATABASES["default"]["TEST"] = (
        {"NAME": str(DATA_DIR / "test.sqlite3")}
        if env.bool("TIDINGS_TEST_SQLITE_FILE", default=False)
        else {}
    )
else:
    DATABASES["default"].setdefault("CONN_MAX_AGE", 60)
    DATABASES["default"].setdefault("CONN_HEALTH_CHECKS", True)
    # Behind PgBouncer in transaction mode a server-side cursor (``.iterator()``) may outlive
    # its transaction's server connection; Django then fetches all rows at once instead.
    DATABASES["default"]["DISABLE_SERVER_SIDE_CURSORS"] = env.bool(
        "TIDINGS_DATABASE_DISABLE_SERVER_SIDE_CURSORS", default=False
    )

#: Request header carrying the viewer's country (set by a trusted proxy or CDN), if any.
TIDINGS_COUNTRY_HEADER = env.str("TIDINGS_COUNTRY_HEADER", default="")
#: Proxies (addresses or CIDR ranges) whose X-Forwarded-For is believed.
TIDINGS_TRUSTED_PROXIES = env.list("TIDINGS_TRUSTED_PROXIES", default=[])
#: Resolve the viewer's country from the client address (database shipped in geoip2fast).
TIDINGS_GEOIP = env.bool("TIDINGS_GEOIP", default=True)

#: India's action clock (IT Rules 2021, Rule 3(1)(d): 36 hours); amendments change it.
TIDINGS_IN_ACTION_HOURS = env.int("TIDINGS_IN_ACTION_HOURS", default=36)
if TIDINGS_IN_ACTION_HOURS <= 0:
    raise ValueError("TIDINGS_IN_ACTION_HOURS must be a positive number of hours")

#: Transparency report: counts from 1 to N-1 are published as "< N" (0 = publish every count).
TIDINGS_TRANSPARENCY_SMALL_COUNT = env.int("TIDINGS_TRANSPARENCY_SMALL_COUNT", default=0)
if TIDINGS_TRANSPARENCY_SMALL_COUNT < 0:
    raise ValueError("TIDINGS_TRANSPARENCY_SMALL_COUNT must be 0 (off) or a positive number")

#: Sign-ups: "open", "approval" (staff approve each one) or "closed".
#: Days after receipt when a confidential order's details (reference, legal basis, named
#: targets) appear on its public notice; "never": only when a legal admin publishes them.
_publication_days = env.str("TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS", default="180").strip()
if _publication_days.lower() == "never":
    TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS: int | None = None
elif _publication_days.isdigit() and int(_publication_days) <= 36_500:
    TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS = int(_publication_days)
else:
    raise ValueError("TIDINGS_CONFIDENTIAL_PUBLICATION_DAYS must be a number of days or 'never'")

TIDINGS_REGISTRATIONS = env.str("TIDINGS_REGISTRATIONS", default="open")
if TIDINGS_REGISTRATIONS not in ("open", "approval", "closed"):
    raise ValueError("TIDINGS_REGISTRATIONS must be open, approval or closed")
#: Mail a confirmation link to new sign-ups; their token works only once it is followed.
TIDINGS_CONFIRM_EMAIL = env.bool("TIDINGS_CONFIRM_EMAIL", default=False)
#: Days an account has to appeal a moderator's action against it (as Mastodon's 20).
TIDINGS_MODERATION_APPEAL_DAYS = env.int("TIDINGS_MODERATION_APPEAL_DAYS", default=20)
if not 1 <= TIDINGS_MODERATION_APPEAL_DAYS <= 3650:
    raise ValueError("TIDINGS_MODERATION_APPEAL_DAYS must be between 1 and 3650")
#: The OAuth password grant (handy for scripts); operators may turn it off.
TIDINGS_OAUTH_PASSWORD_GRANT = env.bool("TIDINGS_OAUTH_PASSWORD_GRANT", default=True)

OAUTH2_PROVIDER = {
    "SCOPES": __import__("tidings.api.scopes", fromlist=["SCOPES"]).SCOPES,
    "DEFAULT_SCOPES": ["read"],
    "SCOPES_BACKEND_CLASS": "tidings.api.oauth.AppScopes",
    "OAUTH2_VALIDATOR_CLASS": "tidings.api.oauth.MastodonValidator",
    "PKCE_REQUIRED": False,
    "ACCESS_TOKEN_EXPIRE_SECONDS": 10 * 365 * 24 * 3600,  # Mastodon tokens do not expire
    "AUTHORIZATION_CODE_EXPIRE_SECONDS": 600,
    "ROTATE_REFRESH_TOKEN": True,
}
OAUTH2_PROVIDER_APPLICATION_MODEL = "oauth2_provider.Application"
OAUTH2_PROVIDER_ACCESS_TOKEN_MODEL = "oauth2_provider.AccessToken"  # noqa: S105
OAUTH2_PROVIDER_REFRESH_TOKEN_MODEL = "oauth2_provider.RefreshToken"  # noqa: S105
OAUTH2_PROVIDER_GRANT_MODEL = "oauth2_provider.Grant"
OAUTH2_PROVIDER_ID_TOKEN_MODEL = "oauth2_provider.IDToken"  # noqa: S105

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("TIDINGS_REDIS_URL", default="")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
        },
        "ratelimit": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": "ratelimit",
        },
    }
else:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"},
        # A memory-mapped file, because the counters must be shared by every worker process;
        # a count is a lock and a few memory writes, not a file written per request.
        "ratelimit": {
            "BACKEND": "tidings.lib.shared_counters.SharedCounterCache",
            "LOCATION": str(DATA_DIR / "ratelimit"),
            "OPTIONS": {"SLOTS": 65_536},
        },
    }
#: The streaming API's public base URL when a proxy routes /api/v1/streaming itself;
#: else it is this site's host on TIDINGS_STREAMING_PORT (set by ``tidings serve``).
TIDINGS_STREAMING_URL = env.str("TIDINGS_STREAMING_URL", default="")
TIDINGS_STREAMING_PORT = env.int("TIDINGS_STREAMING_PORT", default=0)
#: Mastodon's rate limits (429 past them), counted in the "ratelimit" cache; 0 turns them off.
TIDINGS_RATE_LIMITS = env.bool("TIDINGS_RATE_LIMITS", default=True)

PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 8},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
]

LANGUAGE_CODE = "en"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)  # whitenoise serves from here once collectstatic has run
WHITENOISE_USE_FINDERS = True
WHITENOISE_AUTOREFRESH = DEBUG
MEDIA_URL = "/media/"
#: Uploaded images. Several app servers need one directory they all mount (NFS or the like):
#: an image uploaded through one server is served by any other.
MEDIA_ROOT = Path(env.str("TIDINGS_MEDIA_DIR", default="") or DATA_DIR / "media").resolve()
DATA_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024
FILE_UPLOAD_MAX_MEMORY_SIZE = 5 * 1024 * 1024

# Sessions are cached only in a cache shared by every worker (Redis): a per-process
# cache would keep a signed-out session alive in the other workers.
# Both read a session with one prepared statement (tidings/lib/sessions).
SESSION_ENGINE = "tidings.lib.sessions.cached_db" if REDIS_URL else "tidings.lib.sessions.db"
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"
CSRF_FAILURE_VIEW = "tidings.web.views.errors.csrf_failure"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
#: The site is served over HTTPS (TLS may end at a proxy): Secure cookies, HSTS, https links.
#: Without it, X-Forwarded-Proto: https is believed only from TIDINGS_TRUSTED_PROXIES.
TIDINGS_HTTPS = env.bool("TIDINGS_HTTPS", default=False)
SESSION_COOKIE_SECURE = CSRF_COOKIE_SECURE = TIDINGS_HTTPS
SECURE_HSTS_SECONDS = 365 * 24 * 3600  # sent on HTTPS answers only

EMAIL_BACKEND = env.str(
    "TIDINGS_EMAIL_BACKEND", default="django.core.mail.backends.filebased.EmailBackend"
)
EMAIL_FILE_PATH = env.str("TIDINGS_EMAIL_FILE_PATH", default=str(DATA_DIR / "mail"))
DEFAULT_FROM_EMAIL = env.str("TIDINGS_EMAIL_FROM", default=f"tidings@{DOMAIN.split(':')[0]}")

#: Above this many followers an author's posts are merged into home timelines
#: on read instead of fanned out on write (room for the Twitter approach).
FANOUT_FOLLOWER_LIMIT = env.int("TIDINGS_FANOUT_FOLLOWER_LIMIT", default=1_000_000)
#: Home-timeline index entries kept per account (newest first); older ones are trimmed by a
#: periodic task and those pages are read from the followed accounts' posts instead.
#: Mastodon keeps 400 (FeedManager::MAX_ITEMS): 20 pages of 20, past which few ever scroll.
HOME_FEED_LIMIT = env.int("TIDINGS_HOME_FEED_LIMIT", default=400)

#: The task queue (tidings/tasks/): rows in the main database, so a task is
#: enqueued in the transaction of the change that causes it.
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
#: Runs of a failing task before it stays failed; waits double from the first delay.
TASK_MAX_ATTEMPTS = env.int("TIDINGS_TASK_MAX_ATTEMPTS", default=8)
TASK_RETRY_DELAY = env.float("TIDINGS_TASK_RETRY_DELAY", default=30.0)
#: Seconds after which a task still marked running is taken to be abandoned by a dead worker.
TASK_LEASE = env.int("TIDINGS_TASK_LEASE", default=900)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("TIDINGS_LOG_LEVEL", default="WARNING")},
}
