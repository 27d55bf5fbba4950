"""Signing in and out: password, emailed one-time link, password reset, own account."""

from flask import (
    Blueprint,
    current_app,
    flash,
    has_request_context,
    redirect,
    render_template,
    request,
    url_for,
)
from flask_babel import get_locale
from flask_babel import gettext as _
from flask_login import current_user, login_user, logout_user

from ...access import public, signed_in
from ...extensions import db, limiter
from ...forms import form_page
from ...models import Role
from ...services import accounts
from ...urls import is_safe_next
from .forms import AccountForm, ConfirmForm, EmailLinkForm, LoginForm, LogoutForm, ResetPasswordForm

bp = Blueprint("auth", __name__)


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key():
    """Limits per email address too, so many machines cannot take turns at one account."""
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


# Per client address, and (for forms that name an account) per email address.
limit_by_client = limiter.limit(_login_limit, methods=["POST"])
limit_by_email = limiter.limit(_login_limit, methods=["POST"], key_func=_email_key)


def _locale() -> str:
    return str(get_locale() or "sv")


# Where each role's work is, for the event of accounts.main_role.
ROLE_PAGES = {
    Role.ORGANIZER: "admin.edit_event",
    Role.DOOR: "checkin.door_scanner",
    Role.REVIEWER: "speakers.review_list",
}


def landing_page(user) -> str:
    """Where a person lands after signing in: site admins on the manage page, a role at
    its work on the nearest event (the others are on the manage page), anyone else at
    their tickets."""
    if user.is_site_admin:
        return url_for("admin.dashboard")
    found = accounts.main_role(user)
    if found is None:
        return url_for("site.my_tickets")
    role, event = found
    return url_for(ROLE_PAGES[role], slug=event.slug)


def _next(target: str | None, user):
    return redirect(target if is_safe_next(target) else landing_page(user))


LINK_ERRORS = {
    "expired": lambda: _("The link has expired. Ask for a new one below."),
    "used": lambda: _("The link has already been used. Ask for a new one below."),
    "invalid": lambda: _("The link is not valid. Ask for a new one below."),
}


@bp.route("/login", methods=["GET", "POST"])
@limit_by_client
@limit_by_email
@public
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        user = accounts.authenticate(form.email.data, form.password.data)
        if user is not None:
            login_user(user)
            accounts.record_login(user)
            return _next(form.next.data, user)
        form.password.errors.append(_("Wrong email address or password."))
    return form_page("auth/login.html", form)


@bp.post("/logout")
@public
def logout():
    if LogoutForm().validate_on_submit():
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("site.home"))


@bp.route("/login/link", methods=["GET", "POST"])
@limit_by_client
@limit_by_email
@public
def request_link():
    form = EmailLinkForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        target = form.next.data if is_safe_next(form.next.data) else None
        accounts.send_magic_link(form.email.data, _locale(), target)
        return render_template("auth/link_sent.html", email=form.email.data, kind="sign-in")
    return form_page("auth/request_link.html", form)


@bp.route("/login/link/<token>", methods=["GET", "POST"])
@limit_by_client
@public
def magic(token):
    # Opening the link only shows a button: mail scanners that fetch links must not
    # use up the one-time link.
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            user, target = accounts.use_magic_link(token, _locale())
        except accounts.LinkError as error:
            flash(LINK_ERRORS[error.reason](), "error")
            return redirect(url_for("auth.request_link"))
        login_user(user)
        flash(_("You are signed in."), "success")
        return _next(target, user)
    return render_template("auth/confirm_link.html", form=form)


@bp.route("/password/forgot", methods=["GET", "POST"])
@limit_by_client
@limit_by_email
@public
def forgot_password():
    form = EmailLinkForm()
    if form.validate_on_submit():
        accounts.send_password_reset(form.email.data, _locale())
        return render_template("auth/link_sent.html", email=form.email.data, kind="reset")
    return form_page("auth/forgot_password.html", form)


@bp.route("/password/reset/<token>", methods=["GET", "POST"])
@limit_by_client
@public
def reset_password(token):
    try:
        accounts.user_for_reset(token)
    except accounts.LinkError as error:
        flash(LINK_ERRORS[error.reason](), "error")
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = accounts.reset_password(token, form.password.data)
        login_user(user)
        flash(_("Your new password is saved and you are signed in."), "success")
        return redirect(landing_page(user))
    return form_page("auth/reset_password.html", form)


@bp.route("/account", methods=["GET", "POST"])
@signed_in
def account():
    form = AccountForm(obj=current_user)
    if request.method == "GET":
        form.password.data = ""
        form.locale.data = current_user.locale or _locale()
    if form.validate_on_submit():
        current_user.name = form.name.data.strip()
        current_user.locale = form.locale.data
        password_changed = bool(form.password.data)
        if password_changed:
            current_user.set_password(form.password.data)
        db.session.commit()
        if password_changed:
            login_user(
                current_user._get_current_object()
            )  # the session token changed with the password
        flash(_("Saved."), "success")
        return redirect(url_for("auth.account"))
    return form_page("auth/account.html", form)


@bp.app_context_processor
def inject_logout_form():
    if not has_request_context():
        return {}
    return {"logout_form": LogoutForm(formdata=None)}
