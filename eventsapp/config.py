"""Settings, read from the environment (SPEC section 6)."""
import os
import secrets
from datetime import timedelta
from pathlib import Path
from typing import ClassVar
from urllib.parse import urlsplit

from .languages import DEFAULT_LANGUAGE
from .timezones import DEFAULT_TIMEZONE

DEFAULT_SENDER = "Quality Campaign Events <no-reply@localhost>"
DEFAULT_BASE_URL = "http://127.0.0.1:5000"


def normalize_database_url(url: str) -> str:
    """Let operators write postgres:// or postgresql:// and still get the psycopg 3 driver."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url


def load_or_create_secret_key(instance_path: str) -> str:
    """A key generated once and kept in instance/, so sessions survive restarts."""
    key_file = Path(instance_path) / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    key_file.parent.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(48)
    key_file.write_text(key)
    key_file.chmod(0o600)
    return key


def env_flag(name: str, default: bool) -> bool:
    value = os.environ.get(name)
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() not in {"0", "false", "no", "off"}


def is_https(url: str) -> bool:
    return urlsplit(url).scheme == "https"


def host_and_port(url: str) -> tuple[str, int | None]:
    """`("events.example.com", 443)` for `https://Events.example.com/`: the port a browser would use."""
    parts = urlsplit(url if "//" in url else "//" + url)
    port = parts.port or {"http": 80, "https": 443}.get(parts.scheme)
    return (parts.hostname or "").lower(), port


def days_setting(name: str, *, default: int) -> int:
    """A whole number of days, 0 or more: a typo must stop the start, not purge next month's attendees."""
    raw = (os.environ.get(name) or "").strip() or str(default)
    if not raw.isdigit():
        raise ValueError(f"{name} must be a whole number of days, 0 or more, not {raw!r}")
    return int(raw)

class Config:
    SECRET_KEY = os.environ.get("SECRET_KEY")  # filled from instance/ by create_app when unset
    DATABASE_URL = os.environ.get("DATABASE_URL")  # default SQLite in instance/, set by create_app
    SQLALCHEMY_ENGINE_OPTIONS: ClassVar[dict] = {"pool_pre_ping": True}
    BASE_URL = os.environ.get("BASE_URL", DEFAULT_BASE_URL)
    # The domain every calendar UID ends with: stored in the database at first start (site_settings.py)
    # and kept there, so moving the site to another BASE_URL never changes a UID. Unset: BASE_URL's host.
    UID_DOMAIN = os.environ.get("UID_DOMAIN") or None
    DEFAULT_TIMEZONE = os.environ.get("DEFAULT_TIMEZONE") or DEFAULT_TIMEZONE
    SMTP_URL = os.environ.get("SMTP_URL")
    MAIL_SENDER = os.environ.get("MAIL_SENDER") or DEFAULT_SENDER
    REDIS_URL = os.environ.get("REDIS_URL")
    # Attendees' personal data is kept this many days after their event, then purged (SPEC 8); the
    # sign-up form's privacy notice says so.
    RETENTION_DAYS = days_setting("RETENTION_DAYS", default=180)

    BABEL_DEFAULT_LOCALE = DEFAULT_LANGUAGE
    BABEL_TRANSLATION_DIRECTORIES = str(Path(__file__).resolve().parent.parent / "translations")

    # How many reverse proxies (load balancers) sit in front: their X-Forwarded-* headers are trusted,
    # so rate limits count real client addresses. 0 when gunicorn faces clients directly. Set it only
    # behind a proxy you run, which overwrites those headers: otherwise any client can write
    # X-Forwarded-For itself and get a fresh rate-limit count with every request.
    TRUSTED_PROXIES = int(os.environ.get("TRUSTED_PROXIES", "0") or 0)

    RATELIMIT_ENABLED = env_flag("RATELIMIT_ENABLED", True)
    RATELIMIT_STORAGE_URI = REDIS_URL or "memory://"  # memory: counted per process (warned at start)
    RATELIMIT_HEADERS_ENABLED = True
    # A Redis outage must not turn every sign-up and login into a 500: the limits are then counted in
    # this process's memory (Flask-Limiter logs a warning) until Redis answers again.
    RATELIMIT_IN_MEMORY_FALLBACK_ENABLED = True
    RATELIMIT_SWALLOW_ERRORS = True
    RATELIMIT_STORAGE_OPTIONS: ClassVar[dict] = {"socket_connect_timeout": 0.5, "socket_timeout": 0.5}
    # Per client address; generous enough for a company's shared office connection.
    SIGNUP_RATE_LIMIT = os.environ.get("SIGNUP_RATE_LIMIT", "20 per minute; 200 per hour")
    # The API's sign-ups, per client address: a partner's server that signs up many people from one address
    # needs more (set it, or give the partner's server its own limit behind your proxy).
    API_SIGNUP_RATE_LIMIT = os.environ.get("API_SIGNUP_RATE_LIMIT") or SIGNUP_RATE_LIMIT
    # Self check-in by name and the last four digits of a mobile, per client address: only tries that find
    # nobody (or are refused) count, so a room behind one venue Wi-Fi address is not held up by success.
    # Per name at an event (every try counts), and per address as a loose backstop (a room shares one Wi-Fi).
    SELF_CHECK_IN_RATE_LIMIT = os.environ.get("SELF_CHECK_IN_RATE_LIMIT", "5 per minute; 30 per hour")
    SELF_CHECK_IN_ADDRESS_LIMIT = os.environ.get("SELF_CHECK_IN_ADDRESS_LIMIT", "120 per minute")
    # Failed logins per account (e-mail address), from any client address.
    LOGIN_ACCOUNT_RATE_LIMIT = os.environ.get("LOGIN_ACCOUNT_RATE_LIMIT", "10 per hour")

    # Forms are small; a larger body is refused (413) before it is read.
    MAX_CONTENT_LENGTH = 1024 * 1024

    SESSION_COOKIE_HTTPONLY = True
    SESSION_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_SAMESITE = "Lax"
    REMEMBER_COOKIE_DURATION = timedelta(days=14)
    # Served over https: the cookies must never travel over plain http.
    SESSION_COOKIE_SECURE = is_https(BASE_URL)
    REMEMBER_COOKIE_SECURE = is_https(BASE_URL)
    WTF_CSRF_TIME_LIMIT = None  # a form left open in a tab still submits; the token is session-bound


class TestConfig(Config):
    TESTING = True
    WTF_CSRF_ENABLED = False  # tests/accounts/test_csrf.py turns it back on
    RATELIMIT_ENABLED = False
    RATELIMIT_STORAGE_URI = "memory://"
    SECRET_KEY = "test-secret-key"
    SERVER_NAME = None
