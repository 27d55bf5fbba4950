"""One family of refusals, shown one way.

Every user-facing error a service raises is a services.refusal.Refusal, and each reason
it is raised with has words; summit.forms.show_refusal puts one on the form field it
names, else on the form's first field, else in a flash.
"""

from flask import get_flashed_messages
from wtforms import HiddenField, StringField, SubmitField

from summit.forms import ButtonForm, Form, show_refusal
from summit.services.refusal import Refusal


class _Refused(Refusal):
    messages = {"taken": lambda p: f"Already taken: {p['name']}"}


class _NameForm(Form):
    next = HiddenField()
    name = StringField()
    email = StringField()
    send = SubmitField()


def _form():
    return _NameForm(formdata=None, meta={"csrf": False})


def test_a_refusal_goes_on_the_field_it_names(app):
    with app.test_request_context("/"):
        form = _form()
        show_refusal(_Refused("taken", "email", name="x@example.org"), form)
        assert form.email.errors == ["Already taken: x@example.org"]
        assert not form.name.errors
        assert form.errors == {"email": ["Already taken: x@example.org"]}
        assert get_flashed_messages() == []


def test_a_service_name_can_be_mapped_to_the_forms(app):
    with app.test_request_context("/"):
        form = _form()
        show_refusal(_Refused("taken", "address", name="y"), form, fields={"address": "email"})
        assert form.email.errors == ["Already taken: y"]


def test_a_field_the_form_lacks_puts_it_on_the_first_typed_field(app):
    with app.test_request_context("/"):
        form = _form()
        show_refusal(_Refused("taken", "slug", name="z"), form)
        show_refusal(_Refused("taken", None, name="w"), form)
        assert form.name.errors == ["Already taken: z", "Already taken: w"]
        assert not form.next.errors and not form.email.errors


def test_without_a_field_to_put_it_on_it_is_flashed(app):
    with app.test_request_context("/"):
        button = ButtonForm(formdata=None, meta={"csrf": False})
        show_refusal(_Refused("taken", "name", name="v"), button)
        show_refusal(_Refused("taken", name="u"))
        assert get_flashed_messages(with_categories=True) == [
            ("error", "Already taken: v"),
            ("error", "Already taken: u"),
        ]
