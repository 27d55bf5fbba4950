"""One blueprint per capability the users see."""

from flask import Flask


def register_blueprints(app: Flask) -> None:
    from .admin.views import bp as admin
    from .auth.views import bp as auth
    from .site.views import bp as site

    app.register_blueprint(site)
    app.register_blueprint(auth)
    app.register_blueprint(admin)
