"""The page a person answers a survey on, through the personal link of their mail: no
sign-in, one response, changeable until the survey closes. A link nobody was sent, or
of a survey that has closed, is a 404."""

from flask import flash, redirect, render_template, request, url_for
from flask_babel import gettext as _

from ...access import public
from ...forms import ButtonForm
from ...models import utcnow
from ...services.refusal import Refusal
from ...services.surveys import answering
from ..lookup import found_or_404


@public
def answer(token):
    recipient = found_or_404(answering.recipient_for(token))
    survey = recipient.survey
    if not survey.is_open(utcnow()):
        return render_template("surveys/closed.html", survey=survey, event=survey.event), 404
    form = ButtonForm()
    sent = request.form if request.method == "POST" else None
    checked = answering.checked(recipient, sent)
    error = ""
    if form.validate_on_submit() and not checked.errors:
        try:
            answering.save_answers(recipient, checked)
        except Refusal as refusal:  # nothing answered, or it closed meanwhile
            error = refusal.message
        else:
            flash(_("Thank you! Your answers are saved."), "success")
            return redirect(url_for("surveys.answer", token=token), 303)
    page = render_template(
        "surveys/answer.html",
        survey=survey,
        event=survey.event,
        form=form,
        answers=checked,
        answered=answering.response_of(recipient) is not None,
        error=error,
    )
    return page, 422 if (checked.errors or form.errors or error) else 200
