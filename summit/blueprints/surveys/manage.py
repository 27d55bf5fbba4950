"""The organizers' surveys under /manage/events/<slug>/surveys/: the list, a survey's
settings, its page (questions, state, scheduling) and its results."""

from flask import flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...access import event_role_required
from ...forms import ButtonForm, form_page, form_removed, form_saved, local_time
from ...models import Role, Survey, SurveyAudience, SurveyStatus, utcnow
from ...services.surveys import results, setup
from ..lookup import of_event_or_404
from ..tickets.question_forms import MoveForm
from .forms import FIRST, SurveyForm

ORGANIZER = Role.ORGANIZER


@event_role_required(ORGANIZER)
def survey_list(slug):
    surveys = setup.surveys_of(g.event)
    return render_template(
        "surveys/list.html",
        event=g.event,
        surveys=surveys,
        counts={s.id: setup.counts(s) for s in surveys},
    )


def _form(survey: Survey | None) -> SurveyForm:
    initial = None
    if survey is not None and request.method == "GET":
        tz = g.event.tz
        initial = {
            "title_sv": survey.title_sv,
            "title_en": survey.title_en,
            "intro_sv": survey.intro_sv,
            "intro_en": survey.intro_en,
            "follows": str(survey.follows_id) if survey.follows_id else FIRST,
            "audience": survey.audience.value,
            "send_at": survey.send_at.astimezone(tz).replace(tzinfo=None),
            "remind_at": survey.remind_at.astimezone(tz).replace(tzinfo=None)
            if survey.remind_at
            else None,
            "closes_at": survey.closes_at.astimezone(tz).replace(tzinfo=None),
        }
    form = SurveyForm(data=initial)
    form.offer(setup.first_surveys(g.event, but=survey))
    return form


def _save(form: SurveyForm, survey: Survey | None) -> Survey:
    tz = g.event.tz
    data = setup.SurveyData(
        title_sv=form.title_sv.data or "",
        title_en=form.title_en.data or "",
        intro_sv=form.intro_sv.data or "",
        intro_en=form.intro_en.data or "",
        audience=SurveyAudience(form.audience.data),
        send_at=local_time(form.send_at, tz),
        remind_at=local_time(form.remind_at, tz),
        closes_at=local_time(form.closes_at, tz),
        follows_id=int(form.follows.data) if form.follows.data else None,
    )
    return setup.save_survey(g.event, data, survey)


# A refusal about the survey followed goes on the form's "kind of survey".
FIELDS = {"follows": "follows"}


@event_role_required(ORGANIZER)
def new_survey(slug):
    form = _form(None)
    saved = []
    if form_saved(form, lambda: saved.append(_save(form, None)), FIELDS):
        flash(_("The survey is saved. Add its questions, then schedule it."), "success")
        return redirect(url_for("surveys.show_survey", slug=slug, survey_id=saved[0].id), 303)
    return form_page("surveys/form.html", form, event=g.event, survey=None)


@event_role_required(ORGANIZER)
def edit_survey(slug, survey_id):
    survey = of_event_or_404(Survey, survey_id)
    form = _form(survey)
    if form_saved(form, lambda: _save(form, survey), FIELDS):
        flash(_("The survey is saved."), "success")
        return redirect(url_for("surveys.show_survey", slug=slug, survey_id=survey.id), 303)
    return form_page("surveys/form.html", form, event=g.event, survey=survey)


@event_role_required(ORGANIZER)
def show_survey(slug, survey_id):
    survey = of_event_or_404(Survey, survey_id)
    sent, answered = setup.counts(survey)
    return render_template(
        "surveys/show.html",
        event=g.event,
        survey=survey,
        questions=setup.survey_questions(survey),
        answers=setup.answer_counts(survey),
        sent=sent,
        answered=answered,
        now=utcnow(),
        move_form=MoveForm(formdata=None),
        button=ButtonForm(formdata=None),
    )


@event_role_required(ORGANIZER)
def schedule_survey(slug, survey_id):
    survey = of_event_or_404(Survey, survey_id)
    if form_removed(ButtonForm(), lambda: setup.schedule(survey)):
        flash(_("The survey is scheduled: it is sent at the time set."), "success")
    return redirect(url_for("surveys.show_survey", slug=slug, survey_id=survey.id), 303)


@event_role_required(ORGANIZER)
def unschedule_survey(slug, survey_id):
    survey = of_event_or_404(Survey, survey_id)
    if form_removed(ButtonForm(), lambda: setup.unschedule(survey)):
        flash(_("The survey is a draft again; nothing was sent."), "success")
    return redirect(url_for("surveys.show_survey", slug=slug, survey_id=survey.id), 303)


@event_role_required(ORGANIZER)
def survey_results(slug, survey_id):
    survey = of_event_or_404(Survey, survey_id)
    return render_template(
        "surveys/results.html",
        event=g.event,
        survey=survey,
        results=results.survey_results(survey),
        SENT=SurveyStatus.SENT,
    )
