"""One blueprint per capability the users see. Each package's __init__.py makes its
blueprint and holds its table of URL rules; the view modules hold plain functions."""

from collections.abc import Callable, Iterable

from flask import Blueprint, Flask

GET = ("GET",)
POST = ("POST",)
GET_POST = ("GET", "POST")

# (rule, endpoint, view, methods) or, with options for add_url_rule such as defaults,
# (rule, endpoint, view, methods, options).
UrlRule = tuple[str, str, Callable, tuple[str, ...]] | tuple[str, str, Callable, tuple, dict]


def add_url_rules(bp: Blueprint, rules: Iterable[UrlRule]) -> None:
    for rule, endpoint, view, methods, *options in rules:
        bp.add_url_rule(rule, endpoint, view, methods=methods, **(options[0] if options else {}))


def register_blueprints(app: Flask) -> None:
    from .admin import bp as admin
    from .auth import bp as auth
    from .badges import bp as badges
    from .certificates import bp as certificates
    from .checkin import bp as checkin
    from .impact import bp as impact
    from .mailings import bp as mailings
    from .meeting import bp as meeting
    from .ops import bp as ops
    from .payments import bp as payments
    from .privacy import bp as privacy
    from .program import bp as program
    from .site import bp as site
    from .speakers import bp as speakers
    from .surveys import bp as surveys
    from .tickets import bp as tickets

    app.register_blueprint(site)
    app.register_blueprint(auth)
    app.register_blueprint(tickets)
    app.register_blueprint(payments)
    app.register_blueprint(admin)
    app.register_blueprint(checkin)
    app.register_blueprint(badges)
    app.register_blueprint(speakers)
    app.register_blueprint(program)
    app.register_blueprint(ops)
    app.register_blueprint(mailings)
    app.register_blueprint(impact)
    app.register_blueprint(meeting)
    app.register_blueprint(surveys)
    app.register_blueprint(certificates)
    app.register_blueprint(privacy)
