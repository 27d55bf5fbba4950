"""The POSTs of the organizers' pages, written once. An add or edit page
(summit.forms.form_saved): a form that does not validate is not saved, a service's
refusal goes onto the form, a save that goes through lets the page move on. A remove
button (form_removed): without its CSRF token a 400, a refusal flashed.
"""

import pytest
from flask import get_flashed_messages
from werkzeug.exceptions import BadRequest
from wtforms import StringField
from wtforms.validators import DataRequired

from summit.forms import ButtonForm, Form, form_removed, form_saved
from summit.services.refusal import Refusal


class _Taken(Refusal):
    messages = {"taken": lambda p: "That name is taken."}


class _NameForm(Form):
    name = StringField(validators=[DataRequired()])
    email = StringField()


def _posted(app, **data):
    return app.test_request_context("/", method="POST", data=data)


def _form():
    return _NameForm(meta={"csrf": False})


def test_a_form_that_does_not_validate_is_not_saved(app):
    with _posted(app, name=""):
        form, calls = _form(), []
        assert form_saved(form, lambda: calls.append("saved")) is False
        assert calls == [] and form.name.errors


def test_a_refusal_is_shown_on_the_form_and_nothing_moves_on(app):
    def save():
        raise _Taken("taken", "name")

    with _posted(app, name="Ada"):
        form = _form()
        assert form_saved(form, save) is False
        assert form.errors == {"name": ["That name is taken."]}


def test_a_save_that_goes_through_lets_the_page_move_on(app):
    with _posted(app, name="Ada"):
        form, stored = _form(), []
        assert form_saved(form, lambda: stored.append(form.name.data)) is True
        assert stored == ["Ada"] and not form.errors


def test_a_remove_button_without_its_csrf_token_is_a_bad_request(app):
    removed = []
    with _posted(app), pytest.raises(BadRequest):
        form_removed(ButtonForm(), lambda: removed.append("x"))
    assert removed == []


def test_a_refused_removal_is_flashed_and_a_done_one_lets_the_page_move_on(app):
    def refuse():
        raise _Taken("taken")

    with _posted(app):
        assert form_removed(ButtonForm(meta={"csrf": False}), refuse) is False
        assert get_flashed_messages(with_categories=True) == [("error", "That name is taken.")]
    with _posted(app):
        removed = []
        assert form_removed(ButtonForm(meta={"csrf": False}), lambda: removed.append(1))
        assert removed == [1]
