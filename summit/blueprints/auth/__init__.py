"""Signing in and out: password, emailed one-time link, password reset, own account."""

from flask import Blueprint

from .. import GET_POST, POST, add_url_rules
from . import views

bp = Blueprint("auth", __name__)

# The URL rules: (rule, endpoint, view, methods). The views are plain functions.
# fmt: off
URLS = [
    ("/login", "login", views.login, GET_POST),
    ("/logout", "logout", views.logout, POST),
    ("/login/link", "request_link", views.request_link, GET_POST),
    ("/login/link/<token>", "magic", views.magic, GET_POST),
    ("/password/forgot", "forgot_password", views.forgot_password, GET_POST),
    ("/password/reset/<token>", "reset_password", views.reset_password, GET_POST),
    ("/account", "account", views.account, GET_POST),
    ("/account/sign-out-everywhere", "sign_out_everywhere", views.sign_out_everywhere, POST),
]
# fmt: on
add_url_rules(bp, URLS)

bp.app_context_processor(views.inject_logout_form)
