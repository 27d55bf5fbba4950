"""summit: event management for Mötesplats Social Innovation."""

import os
from pathlib import Path

from flask import Flask
from werkzeug.middleware.proxy_fix import ProxyFix

from .config import check_config, load_config
from .database import configure_engine
from .errors import register_error_pages
from .extensions import babel, csrf, db, limiter, login, talisman
from .i18n import init_i18n
from .logs import init_logging
from .metrics import init_metrics
from .requests import init_requests
from .static_files import init_static_files

# Content Security Policy: no inline script anywhere, everything from our own origin.
MIGRATIONS = Path(__file__).resolve().parent.parent / "migrations"

CSP = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    "object-src": "'none'",
    "base-uri": "'self'",
    "form-action": "'self'",
    "frame-ancestors": "'none'",
}


def create_app(config: dict | None = None) -> Flask:
    app = Flask(__name__, instance_path=str(Path(__file__).resolve().parent.parent / "instance"))
    app.config.from_mapping(load_config(Path(app.instance_path)))
    if config:
        app.config.from_mapping(config)
    check_config(app.config)

    if app.config["PROXY_FIX"]:
        app.wsgi_app = ProxyFix(app.wsgi_app, x_for=1, x_proto=1, x_host=1)

    db.init_app(app)
    with app.app_context():
        configure_engine(db.engine)
    if os.environ.get("FLASK_RUN_FROM_CLI") == "true" or app.testing:
        # `flask db ...`: Flask-Migrate, with Alembic 10 MB that a web process, which
        # never migrates, need not carry (its /readyz reads the heads: services/health.py).
        from flask_migrate import Migrate

        migrate = Migrate(render_as_batch=True, compare_type=True)
        migrate.init_app(app, db, directory=str(MIGRATIONS))
    csrf.init_app(app)
    limiter.init_app(app)
    init_i18n(app, babel)
    init_requests(app)  # bounded JSON, no NUL in paths, no-store by default
    init_metrics(app)  # every request counted and timed for /metrics
    init_logging(app)  # JSON lines in production, each with its request id
    init_static_files(app)  # hashed names, cached for a year
    talisman.init_app(
        app,
        force_https=False,  # TLS ends at the proxy; HSTS is sent on secure requests
        strict_transport_security=True,
        strict_transport_security_max_age=365 * 24 * 3600,
        frame_options="DENY",
        content_security_policy=CSP,
        session_cookie_secure=app.config["SESSION_COOKIE_SECURE"],
        referrer_policy="strict-origin-when-cross-origin",
    )

    from . import access  # noqa: F401  (registers the Flask-Login user loader)

    login.init_app(app)
    login.login_view = "auth.login"
    login.id_attribute = "get_login_token"  # the cookie names a login session, not a user
    login.login_message_category = "info"

    from .blueprints import register_blueprints

    register_blueprints(app)

    from .cli import register_cli

    register_cli(app)
    register_error_pages(app)
    from .models import Role

    app.jinja_env.globals["Role"] = Role
    return app
