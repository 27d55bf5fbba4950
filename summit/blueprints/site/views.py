"""Public pages: the list of events, an event's page, the language switch."""

from flask import (
    Blueprint,
    abort,
    current_app,
    has_request_context,
    redirect,
    render_template,
    request,
    session,
)
from flask_login import current_user

from ...access import public
from ...extensions import db
from ...models import utcnow
from ...services import events
from ...services.cfp import cfp_setup
from ...urls import is_safe_next
from .forms import LanguageForm

bp = Blueprint("site", __name__)


@bp.get("/")
@public
def home():
    return render_template("site/home.html", events=events.upcoming_events())


@bp.get("/events/<slug>/")
@public
def event(slug):
    found = events.get_public_event(slug)
    if found is None:
        abort(404)
    call = cfp_setup.get_call(found)
    call_open = call is not None and call.is_open(utcnow())
    return render_template("site/event.html", event=found, call_open=call_open)


@bp.post("/language")
@public
def language():
    form = LanguageForm()
    if not form.validate_on_submit():
        abort(400)
    lang = "en" if form.en.data else "sv"
    session["lang"] = lang
    if current_user.is_authenticated and current_user.locale != lang:
        current_user.locale = lang
        db.session.commit()
    target = form.next.data
    return redirect(target if is_safe_next(target) else "/")


@bp.app_context_processor
def inject_language_form():
    if not has_request_context() or request.endpoint == "static":
        return {}
    form = LanguageForm(formdata=None, next=request.full_path.rstrip("?"))
    return {"language_form": form, "languages": current_app.config["LANGUAGES"]}
