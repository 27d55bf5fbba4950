"""Organizer pages for an event's registration questions, next to its ticket types:
the list (with up/down), add, edit, deactivate and delete."""

from flask import abort, flash, g, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...access import event_role_required
from ...forms import form_page, form_removed, form_saved
from ...models import Question, QuestionScope, Role
from ...services.tickets import question_setup, questions, sales
from ..lookup import of_event_or_404
from .manage_forms import DeactivateForm, DeleteForm
from .question_forms import MoveForm, QuestionForm

ORGANIZER = Role.ORGANIZER


@event_role_required(ORGANIZER)
def question_list(slug):
    return render_template(
        "tickets/manage/questions.html",
        event=g.event,
        questions=questions.event_questions(g.event),
        answers=question_setup.answer_counts(g.event),
        move_form=MoveForm(),
    )


def _form(question: Question | None) -> QuestionForm:
    initial = QuestionForm.initial(question) if question and request.method == "GET" else None
    form = QuestionForm(data=initial)
    form.offer(questions.event_questions(g.event), sales.ticket_types(g.event), question)
    return form


def _save(form: QuestionForm, question: Question | None) -> None:
    data = form.data_for_service(
        scope=QuestionScope(form.scope.data), ticket_type_ids=list(form.ticket_types.data or [])
    )
    question_setup.save_question(g.event, data, question)
    flash(_("The question is saved."), "success")


# A refusal about the condition goes on the form's condition field.
FIELDS = {"depends_on": "condition"}


@event_role_required(ORGANIZER)
def new_question(slug):
    form = _form(None)
    if form_saved(form, lambda: _save(form, None), FIELDS):
        return redirect(url_for("tickets.question_list", slug=slug))
    return form_page("tickets/manage/question_form.html", form, event=g.event, question=None)


@event_role_required(ORGANIZER)
def edit_question(slug, registration_question_id):
    question = of_event_or_404(Question, registration_question_id)
    form = _form(question)
    if form_saved(form, lambda: _save(form, question), FIELDS):
        return redirect(url_for("tickets.question_list", slug=slug))
    return form_page(
        "tickets/manage/question_form.html",
        form,
        event=g.event,
        question=question,
        answer_count=question_setup.answer_count(question),
        deactivate_form=DeactivateForm(formdata=None),
        delete_form=DeleteForm(formdata=None),
    )


@event_role_required(ORGANIZER)
def move_question(slug, registration_question_id):
    question = of_event_or_404(Question, registration_question_id)
    form = MoveForm()
    if not form.validate_on_submit():
        abort(400)
    question_setup.move_question(question, form.step.data)
    return redirect(url_for("tickets.question_list", slug=slug) + f"#question-{question.id}")


@event_role_required(ORGANIZER)
def deactivate_question(slug, registration_question_id):
    question = of_event_or_404(Question, registration_question_id)
    if form_removed(DeactivateForm(), lambda: question_setup.deactivate_question(question)):
        flash(_("The question is no longer asked. Its answers are kept."), "success")
    return redirect(url_for("tickets.question_list", slug=slug))


@event_role_required(ORGANIZER)
def delete_question(slug, registration_question_id):
    question = of_event_or_404(Question, registration_question_id)
    if not form_removed(DeleteForm(), lambda: question_setup.delete_question(question)):
        return redirect(
            url_for(
                "tickets.edit_question",
                slug=slug,
                registration_question_id=registration_question_id,
            )
        )
    flash(_("The question is deleted."), "success")
    return redirect(url_for("tickets.question_list", slug=slug))
