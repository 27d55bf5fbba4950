"""One blueprint per capability the users see."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin
    from .auth.views import bp as auth
    from .badges import bp as badges
    from .checkin import bp as checkin
    from .payments import bp as payments
    from .program import bp as program
    from .site.views import bp as site
    from .speakers import bp as speakers
    from .tickets.views import bp as tickets

    app.register_blueprint(site)
    app.register_blueprint(auth)
    app.register_blueprint(tickets)
    app.register_blueprint(payments)
    app.register_blueprint(admin)
    app.register_blueprint(checkin)
    app.register_blueprint(badges)
    app.register_blueprint(speakers)
    app.register_blueprint(program)
