"""Organizer pages for a survey's questions: add, edit, move, deactivate and delete, by
the registration questions' rules (services/tickets/question_setup)."""

from flask import abort, flash, g, redirect, request, url_for
from flask_babel import gettext as _

from ...access import event_role_required
from ...forms import ButtonForm, form_page, form_removed, form_saved
from ...models import Role, Survey, SurveyQuestion
from ...services.surveys import setup
from ...services.tickets import question_setup
from ..lookup import found_or_404, of_event_or_404
from ..tickets.question_forms import MoveForm
from .forms import SurveyQuestionForm

ORGANIZER = Role.ORGANIZER
# A refusal about the condition goes on the form's condition field.
FIELDS = {"depends_on": "condition"}


def _survey_question(survey_id: int, question_id: int) -> tuple[Survey, SurveyQuestion]:
    survey = of_event_or_404(Survey, survey_id)
    question = found_or_404(setup.survey_question(survey, question_id))
    return survey, question


def _back(slug: str, survey: Survey, question: SurveyQuestion | None = None):
    anchor = f"#question-{question.id}" if question is not None else "#questions"
    return redirect(url_for("surveys.show_survey", slug=slug, survey_id=survey.id) + anchor, 303)


def _form(survey: Survey, question: SurveyQuestion | None) -> SurveyQuestionForm:
    initial = SurveyQuestionForm.initial(question) if question and request.method == "GET" else None
    form = SurveyQuestionForm(data=initial)
    form.offer_conditions(setup.survey_questions(survey), question)
    return form


def _save(survey: Survey, form: SurveyQuestionForm, question: SurveyQuestion | None) -> None:
    setup.save_question(survey, form.data_for_service(), question)
    flash(_("The question is saved."), "success")


def _page(form, survey: Survey, question: SurveyQuestion | None):
    return form_page(
        "surveys/question_form.html",
        form,
        event=g.event,
        survey=survey,
        question=question,
        answer_count=question_setup.answer_count(question) if question else 0,
        button=ButtonForm(formdata=None),
    )


@event_role_required(ORGANIZER)
def new_question(slug, survey_id):
    survey = of_event_or_404(Survey, survey_id)
    form = _form(survey, None)
    if form_saved(form, lambda: _save(survey, form, None), FIELDS):
        return _back(slug, survey)
    return _page(form, survey, None)


@event_role_required(ORGANIZER)
def edit_question(slug, survey_id, survey_question_id):
    survey, question = _survey_question(survey_id, survey_question_id)
    form = _form(survey, question)
    if form_saved(form, lambda: _save(survey, form, question), FIELDS):
        return _back(slug, survey, question)
    return _page(form, survey, question)


@event_role_required(ORGANIZER)
def move_question(slug, survey_id, survey_question_id):
    survey, question = _survey_question(survey_id, survey_question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    question_setup.move_question(question, form.step.data)
    return _back(slug, survey, question)


@event_role_required(ORGANIZER)
def deactivate_question(slug, survey_id, survey_question_id):
    survey, question = _survey_question(survey_id, survey_question_id)
    if form_removed(ButtonForm(), lambda: question_setup.deactivate_question(question)):
        flash(_("The question is no longer asked. Its answers are kept."), "success")
    return _back(slug, survey)


@event_role_required(ORGANIZER)
def delete_question(slug, survey_id, survey_question_id):
    survey, question = _survey_question(survey_id, survey_question_id)
    if form_removed(ButtonForm(), lambda: question_setup.delete_question(question)):
        flash(_("The question is deleted."), "success")
    return _back(slug, survey)
