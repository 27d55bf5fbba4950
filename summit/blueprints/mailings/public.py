"""Unsubscribing from group mail by the link in the mail (RFC 8058 one-click too)."""

from flask import abort, render_template, request

from ...access import public
from ...extensions import csrf
from ...services.mailings import unsubscribe as subscriptions


@public
def unsubscribe(token):
    """GET: a page asking to confirm (a link scanner opening it changes nothing). POST:
    the confirm button, or a mail program's one-click POST (List-Unsubscribe=One-Click),
    which carries no CSRF token: it only ever turns off this token's own address."""
    subscription = subscriptions.find(token)
    if subscription is None:
        abort(404)
    if request.method == "POST":
        if request.form.get("resubscribe") == "1":
            subscriptions.resubscribe(token)
            return render_template("mailings/unsubscribed.html", token=token, again=True)
        subscriptions.unsubscribe(token)
        return render_template("mailings/unsubscribed.html", token=token, again=False)
    return render_template(
        "mailings/unsubscribe.html", token=token, done=subscription.unsubscribed_at is not None
    )


unsubscribe = csrf.exempt(unsubscribe)
