"""Configuration read from environment variables, with safe defaults for development."""

import ipaddress
import os
import secrets
from pathlib import Path

DEV_SECRET_KEYS = {"", "dev", "change-me", "secret", "changeme"}
ENVIRONMENTS = ("development", "production")
# A random key of 32 or more characters has far more different characters than this;
# "aaaa…" or "1234…1234" does not.
MIN_DISTINCT_KEY_CHARACTERS = 12

# Who sells the tickets, as receipts and invoices (services/tickets/documents.py) name them.
SELLER_DEFAULTS = {
    "SELLER_NAME": "Mötesplats Social Innovation",
    "SELLER_ADDRESS": "c/o Malmö universitet, 205 06 Malmö",  # lines separated by commas
    "SELLER_ORG_NUMBER": "202100-4607",
    "SELLER_VAT_NUMBER": "SE202100460701",
    "SELLER_BANKGIRO": "123-4567",
    # Where invoices are paid: bankgiro (with OCR), plusgiro, or iban (with SELLER_BIC).
    "SELLER_PAY_TO": "bankgiro",
    "SELLER_PLUSGIRO": "",
    "SELLER_IBAN": "",
    "SELLER_BIC": "",
}


class ConfigError(RuntimeError):
    """The configuration cannot run: the app refuses to start."""


def _bool(value: str | None, default: bool = False) -> bool:
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _log_format(value: str) -> str:
    if value not in ("json", "text"):
        raise ConfigError(f"LOG_FORMAT={value!r} is not known: set it to json or text.")
    return value


def _networks(value: str) -> list:
    try:
        return [ipaddress.ip_network(part.strip()) for part in value.split(",") if part.strip()]
    except ValueError as error:
        raise ConfigError(f"METRICS_ALLOW_FROM: {error}") from error


def _database_url(instance_path: Path) -> str:
    url = os.environ.get("DATABASE_URL", "").strip()
    if not url:
        return f"sqlite:///{instance_path / 'summit.db'}"
    return sqlalchemy_url(url)


def sqlalchemy_url(url: str) -> str:
    """A database URL as SQLAlchemy takes it: psycopg 3 is the driver, and the plain
    URLs hosting platforms hand out (postgres://, postgresql://) are accepted."""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix) :]
    return url


def _dev_secret_key(instance_path: Path) -> str:
    """A random key kept in instance/, so development sessions survive restarts. Written
    whole under a temporary name and then linked in place: two processes starting at
    once both end up with the key of whichever linked first, never a half-written one."""
    path = instance_path / "secret_key"
    if not path.exists():
        instance_path.mkdir(parents=True, exist_ok=True)
        draft = instance_path / f".secret_key.{os.getpid()}.{secrets.token_hex(4)}"
        draft.write_text(secrets.token_urlsafe(48))
        draft.chmod(0o600)
        try:
            os.link(draft, path)  # fails if another process linked its key first
        except FileExistsError:
            pass
        finally:
            draft.unlink()
    return path.read_text().strip()


def _environment(value: str) -> str:
    name = value.strip().lower() or "development"
    if name not in ENVIRONMENTS:
        raise ConfigError(
            f"SUMMIT_ENV={value!r} is not known: set it to one of {', '.join(ENVIRONMENTS)}."
        )
    return name


def load_config(instance_path: Path) -> dict:
    env = os.environ
    production = _environment(env.get("SUMMIT_ENV", "development")) == "production"
    secret_key = env.get("SECRET_KEY", "")
    if not secret_key and not production:
        secret_key = _dev_secret_key(instance_path)
    base_url = env.get("BASE_URL", f"http://127.0.0.1:{env.get('PORT', '5000')}").rstrip("/")
    return {
        "SUMMIT_ENV": "production" if production else "development",
        "SECRET_KEY": secret_key,
        "BASE_URL": base_url,
        "SQLALCHEMY_DATABASE_URI": _database_url(instance_path),
        "SQLALCHEMY_ENGINE_OPTIONS": {"pool_pre_ping": True},
        # Where `flask backup create` writes when not told (services/backup).
        "BACKUP_DIR": env.get("BACKUP_DIR") or str(instance_path / "backups"),
        # Mail: without SMTP_HOST nothing is sent; site admins read the outbox page.
        "SMTP_HOST": env.get("SMTP_HOST", ""),
        "SMTP_PORT": int(env.get("SMTP_PORT", "587")),
        "SMTP_USER": env.get("SMTP_USER", ""),
        "SMTP_PASSWORD": env.get("SMTP_PASSWORD", ""),
        "SMTP_STARTTLS": _bool(env.get("SMTP_STARTTLS"), default=True),
        "SMTP_SSL": _bool(env.get("SMTP_SSL")),
        "SMTP_TIMEOUT": float(env.get("SMTP_TIMEOUT", "20")),
        "MAIL_FROM": env.get("MAIL_FROM", "Mötesplats Social Innovation <noreply@localhost>"),
        "MAIL_MAX_ATTEMPTS": int(env.get("MAIL_MAX_ATTEMPTS", "8")),
        # Seconds a worker holds a badge run without finishing a chunk (a second or two
        # of work) before another worker takes it over: a dead node's run goes on.
        "BADGE_RUN_LEASE": float(env.get("BADGE_RUN_LEASE", "30")),
        # Named in the mails to speakers as where to write (else: who published).
        "CONTACT_EMAIL": env.get("CONTACT_EMAIL", ""),
        # Stripe: without keys, the clearly labelled development provider is used.
        "STRIPE_SECRET_KEY": env.get("STRIPE_SECRET_KEY", ""),
        "STRIPE_PUBLISHABLE_KEY": env.get("STRIPE_PUBLISHABLE_KEY", ""),
        "STRIPE_WEBHOOK_SECRET": env.get("STRIPE_WEBHOOK_SECRET", ""),
        "STRIPE_API_BASE": env.get("STRIPE_API_BASE", ""),
        **{key: env.get(key) or default for key, default in SELLER_DEFAULTS.items()},
        # E-invoices (Peppol) go to the access point at ACCESS_POINT_URL (bearer token
        # ACCESS_POINT_TOKEN); without one they are written to ACCESS_POINT_DIR.
        "ACCESS_POINT_URL": env.get("ACCESS_POINT_URL", ""),
        "ACCESS_POINT_TOKEN": env.get("ACCESS_POINT_TOKEN", ""),
        "ACCESS_POINT_TIMEOUT": float(env.get("ACCESS_POINT_TIMEOUT", "30")),
        "ACCESS_POINT_DIR": env.get("ACCESS_POINT_DIR") or str(instance_path / "einvoices"),
        "EINVOICE_MAX_ATTEMPTS": int(env.get("EINVOICE_MAX_ATTEMPTS", "10")),
        # The bankgiro agreement checks the OCR reference's length digit (services/payments/ocr.py).
        "BANKGIRO_OCR_LENGTH_DIGIT": _bool(env.get("BANKGIRO_OCR_LENGTH_DIGIT"), default=True),
        # Rate limits: in-process memory by default, Redis shared across workers in production.
        "RATELIMIT_STORAGE_URI": env.get("RATELIMIT_STORAGE_URI")
        or env.get("REDIS_URL")
        or "memory://",
        "RATELIMIT_ENABLED": _bool(env.get("RATELIMIT_ENABLED"), default=True),
        "RATELIMIT_HEADERS_ENABLED": True,
        # Redis down or hung: each process counts in its own memory (and logs that it
        # does) until Redis answers again; the door, sign-in and the shop keep working.
        # A quarter of a second is long for Redis on the local network, short for a scan.
        "RATELIMIT_IN_MEMORY_FALLBACK_ENABLED": True,
        "RATELIMIT_SWALLOW_ERRORS": True,
        "RATELIMIT_STORAGE_OPTIONS": {
            "socket_connect_timeout": float(env.get("REDIS_TIMEOUT", "0.25")),
            "socket_timeout": float(env.get("REDIS_TIMEOUT", "0.25")),
        },
        "PASSWORD_HASH_METHOD": env.get("PASSWORD_HASH_METHOD", "scrypt"),
        # Logs: one JSON object a line in production (for the log collector), text in
        # development; every line of a request carries its id (summit/logs.py).
        "LOG_FORMAT": _log_format(env.get("LOG_FORMAT", "json" if production else "text")),
        "LOG_LEVEL": env.get("LOG_LEVEL", "INFO").upper(),
        # Who may read /metrics: the bearer of METRICS_TOKEN, or a client address in
        # METRICS_ALLOW_FROM (addresses or networks, comma-separated).
        "METRICS_TOKEN": env.get("METRICS_TOKEN", ""),
        "METRICS_ALLOW_FROM": _networks(env.get("METRICS_ALLOW_FROM", "127.0.0.1,::1")),
        "RESERVATION_RATE_LIMIT": env.get("RESERVATION_RATE_LIMIT", "30 per minute"),
        "ACCESSIBILITY_REPORT_RATE_LIMIT": env.get("ACCESSIBILITY_REPORT_RATE_LIMIT", "5 per hour"),
        "LOGIN_RATE_LIMIT": env.get("LOGIN_RATE_LIMIT", "10 per minute;100 per hour"),
        # Wrong codes (access, discount, voucher, call for speakers) per client address,
        # and per event over all addresses (summit/code_attempts.py); right ones are free.
        "CODE_RATE_LIMIT": env.get("CODE_RATE_LIMIT", "10 per 10 minutes;40 per day"),
        "CODE_EVENT_RATE_LIMIT": env.get("CODE_EVENT_RATE_LIMIT", "300 per hour"),
        # Seats one address may hold in unpaid reservations of one event at once.
        "RESERVATION_SEATS_PER_ADDRESS": int(env.get("RESERVATION_SEATS_PER_ADDRESS", "20")),
        # Scans per station (door); far above what a person with a scanner can do.
        "CHECKIN_RATE_LIMIT": env.get("CHECKIN_RATE_LIMIT", "600 per minute"),
        "MAGIC_LINK_MAX_AGE": int(env.get("MAGIC_LINK_MAX_AGE", str(30 * 60))),
        "PASSWORD_RESET_MAX_AGE": int(env.get("PASSWORD_RESET_MAX_AGE", str(60 * 60))),
        # Wrong passwords for one account over all addresses; past it, password sign-in
        # for that account waits and the emailed link is offered instead.
        "LOGIN_ACCOUNT_RATE_LIMIT": env.get("LOGIN_ACCOUNT_RATE_LIMIT", "30 per hour;100 per day"),
        # Seconds a sign-in lasts at most (then the person signs in again).
        "LOGIN_SESSION_MAX_AGE": int(env.get("LOGIN_SESSION_MAX_AGE", str(30 * 24 * 3600))),
        "BABEL_DEFAULT_LOCALE": "sv",
        "BABEL_DEFAULT_TIMEZONE": "Europe/Stockholm",
        "LANGUAGES": ["sv", "en"],
        "SESSION_COOKIE_HTTPONLY": True,
        "SESSION_COOKIE_SAMESITE": "Lax",
        "SESSION_COOKIE_SECURE": base_url.startswith("https://"),
        "REMEMBER_COOKIE_SECURE": base_url.startswith("https://"),
        "REMEMBER_COOKIE_HTTPONLY": True,
        "PREFERRED_URL_SCHEME": "https" if base_url.startswith("https://") else "http",
        "PROXY_FIX": _bool(env.get("PROXY_FIX"), default=production),
        "MAX_CONTENT_LENGTH": 16 * 1024 * 1024,
        "WTF_CSRF_TIME_LIMIT": None,
        # Our forms carry their own translated messages; WTForms' catalogue would be
        # parsed again on every request.
        "WTF_I18N_ENABLED": False,
    }


def production_problems(config) -> list[str]:
    """What keeps these settings from running production, one line each saying what to
    set; empty outside production."""
    if config.get("SUMMIT_ENV") != "production":
        return []
    problems = []
    key = config.get("SECRET_KEY") or ""
    if (
        key.strip().lower() in DEV_SECRET_KEYS
        or len(key) < 32
        or len(set(key)) < MIN_DISTINCT_KEY_CHARACTERS
    ):
        problems.append(
            "SECRET_KEY must be a random value of at least 32 characters "
            '(python3 -c "import secrets; print(secrets.token_urlsafe(48))").'
        )
    if not str(config.get("SQLALCHEMY_DATABASE_URI", "")).startswith("postgresql"):
        problems.append(
            "DATABASE_URL must point at PostgreSQL (postgresql://user@host/summit): "
            "SQLite is for development on one machine."
        )
    if not str(config.get("RATELIMIT_STORAGE_URI", "")).startswith(("redis://", "rediss://")):
        problems.append(
            "REDIS_URL must point at Redis (redis://host:6379/0): rate limits kept in each "
            "process's memory do not hold across workers and nodes."
        )
    if not str(config.get("BASE_URL", "")).startswith("https://"):
        problems.append(
            "BASE_URL must start with https:// (the address people use): links in mails "
            "and secure cookies depend on it."
        )
    if not config.get("SMTP_HOST"):
        problems.append("SMTP_HOST must be set (with SMTP_USER and SMTP_PASSWORD): mail.")
    if str(config.get("MAIL_FROM", "")).rstrip(">").endswith("@localhost"):
        problems.append(
            "MAIL_FROM must be an address people can answer, e.g. "
            "Mötesplats Social Innovation <info@motesplatssocialinnovation.se>."
        )
    if str(config.get("ACCESS_POINT_URL", "")).startswith("http://"):
        problems.append(
            "ACCESS_POINT_URL must start with https://: e-invoices and the access point's "
            "token would cross the network readable."
        )
    return problems


def _pay_to_problems(config) -> list[str]:
    scheme = (config.get("SELLER_PAY_TO") or "bankgiro").lower()
    account = {"bankgiro": "SELLER_BANKGIRO", "plusgiro": "SELLER_PLUSGIRO", "iban": "SELLER_IBAN"}
    if scheme not in account:
        return [f"SELLER_PAY_TO={scheme!r} is not known: set it to bankgiro, plusgiro or iban."]
    if not config.get(account[scheme]):
        return [f"SELLER_PAY_TO={scheme} needs {account[scheme]}: invoices say where to pay."]
    if scheme == "iban" and not config.get("SELLER_BIC"):
        return ["SELLER_PAY_TO=iban needs SELLER_BIC: invoices say where to pay."]
    return []


def check_config(config) -> None:
    """Refuse to run production on development settings, naming everything to set."""
    problems = production_problems(config) + _pay_to_problems(config)
    if problems:
        raise ConfigError("\n".join(problems))
