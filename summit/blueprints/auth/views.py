"""Signing in and out: password, emailed one-time link, password reset, own account."""

from datetime import timedelta

from flask import (
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
from flask_limiter.util import get_remote_address
from flask_login import current_user, login_user, logout_user

from ...access import public, signed_in
from ...extensions import limiter
from ...forms import form_page, show_refusal
from ...models import Role
from ...services import accounts, sign_in
from ...urls import is_safe_next
from .forms import AccountForm, ConfirmForm, EmailLinkForm, LoginForm, LogoutForm, ResetPasswordForm


def _login_limit():
    return current_app.config["LOGIN_RATE_LIMIT"]


def _email_key():
    """Mail to one address is limited too, however many machines ask for it (the links
    already sent keep working)."""
    return "email:" + (request.form.get("email") or "").strip().lower()[:254]


# Per client address, and (for forms that send mail) per email address. Wrong passwords
# are counted by services/sign_in.py instead, per client address and per account: a
# limit per email address that anyone can fill would lock the owner out.
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


@public
def login():
    form = LoginForm(next=request.args.get("next", ""))
    if form.validate_on_submit():
        try:
            user = sign_in.sign_in_with_password(
                form.email.data, form.password.data, get_remote_address()
            )
        except sign_in.PasswordRefused as refusal:
            if refusal.reason != "wrong":
                return _password_paused(form, refusal)
            show_refusal(refusal, form)
        else:
            login_user(user)
            return _next(form.next.data, user)
    return form_page("auth/login.html", form)


def _password_paused(form, refusal):
    """Passwords may not be tried for this account now: for how long, and the emailed
    link, filled in and one press away, which works meanwhile."""
    link_form = EmailLinkForm(formdata=None, email=form.email.data, next=form.next.data)
    body = render_template(
        "auth/login.html",
        form=form,
        paused=refusal.reason,
        minutes=refusal.minutes,
        link_form=link_form,
    )
    return body, 429, {"Retry-After": str(refusal.retry_after)}


@public
def logout():
    if LogoutForm().validate_on_submit():
        if current_user.is_authenticated:
            accounts.end_session(current_user.login_session)
        logout_user()
        flash(_("You are signed out."), "info")
    return redirect(url_for("site.home"))


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
            show_refusal(error)
            return redirect(url_for("auth.request_link"))
        login_user(user)  # with the login session the link began
        flash(_("You are signed in."), "success")
        return _next(target, user)
    return render_template("auth/confirm_link.html", form=form)


@limit_by_client
@limit_by_email
@public
def forgot_password():
    form = EmailLinkForm()
    if form.validate_on_submit():
        accounts.send_password_reset(form.email.data, _locale())
        return render_template("auth/link_sent.html", email=form.email.data, kind="reset")
    return form_page("auth/forgot_password.html", form)


@limit_by_client
@public
def reset_password(token):
    try:
        accounts.user_for_reset(token)
    except accounts.LinkError as error:
        show_refusal(error)
        return redirect(url_for("auth.forgot_password"))
    form = ResetPasswordForm()
    if form.validate_on_submit():
        user = accounts.reset_password(token, form.password.data)
        login_user(user)
        flash(_("Your new password is saved and you are signed in."), "success")
        return redirect(landing_page(user))
    return form_page("auth/reset_password.html", form)


@signed_in
def account():
    user = current_user._get_current_object()
    form = AccountForm(obj=user)
    # A password is changed with the current one; an account without one may choose
    # one shortly after signing in by emailed link (services/sign_in.py).
    choose_until = None if user.has_password else sign_in.set_password_until(user.login_session)
    if not user.has_password:
        del form.current_password
        if choose_until is None:
            del form.password
        else:
            form.password.label.text = _("Choose a password (optional)")
    if request.method == "GET":
        form.locale.data = user.locale or _locale()
    if form.validate_on_submit():
        if "password" in form and form.password.data:
            current = form.current_password.data if "current_password" in form else ""
            try:
                sign_in.change_password(
                    user, user.login_session, form.password.data, current, get_remote_address()
                )
            except sign_in.PasswordRefused as refusal:
                show_refusal(refusal, form)
                return _account_page(form, choose_until)
            login_user(user)  # the new login session: the others ended with the change
        accounts.save_profile(user, form.name.data, form.locale.data)
        flash(_("Saved."), "success")
        return redirect(url_for("auth.account"))
    return _account_page(form, choose_until)


def _account_page(form, choose_until):
    return form_page(
        "auth/account.html",
        form,
        choose_until=choose_until,
        choose_minutes=sign_in.SET_PASSWORD_AFTER_LINK // timedelta(minutes=1),
        link_form=EmailLinkForm(
            formdata=None, email=current_user.email, next=url_for("auth.account")
        ),
        everywhere_form=LogoutForm(formdata=None),
    )


@signed_in
def sign_out_everywhere():
    if LogoutForm().validate_on_submit():
        accounts.end_all_sessions(current_user)
        logout_user()
        flash(_("You are signed out everywhere, here too."), "info")
        return redirect(url_for("site.home"))  # as after signing out
    return redirect(url_for("auth.account"))


def inject_logout_form():
    if not has_request_context():
        return {}
    return {"logout_form": LogoutForm(formdata=None)}
