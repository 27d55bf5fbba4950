"""Every message a form can show is in the visitor's language, WTForms' own included.

WTForms' built-in messages ("Field cannot be longer than 200 characters.") are English
unless translated; summit.forms.OwnWords says each in our words through our catalogue,
and every form here is built on summit.forms.Form or PlainForm so that none is missed.
"""

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
import wtforms
from babel.messages.pofile import read_po
from flask_babel import force_locale
from wtforms.i18n import messages_path

import summit
from summit.forms import OWN_WORDS, Form, PlainForm
from tests.conftest import csrf_token
from tests.web.test_manage_events import GOOD

PLACEHOLDER = re.compile(r"%\((\w+)\)[sd]")


def _wtforms_messages() -> list[tuple[str, str | None]]:
    with (Path(messages_path()) / "wtforms.pot").open("rb") as source:
        catalog = read_po(source)
    return [(m.id, None) if isinstance(m.id, str) else (m.id[0], m.id[1]) for m in catalog if m.id]


@pytest.mark.parametrize(("message", "plural"), _wtforms_messages())
def test_every_wtforms_message_is_ours_in_both_languages(app, message, plural):
    with app.test_request_context():
        said = {}
        for language in ("sv", "en"):
            with force_locale(language):
                said[language] = (
                    OWN_WORDS.ngettext(message, plural, 2) if plural else OWN_WORDS.gettext(message)
                )
    assert said["sv"] != said["en"], f"not translated: {message}"
    assert said["en"] != message or message == "This field is required."
    # WTForms fills in its own placeholders after translating: ours must be among them.
    assert set(PLACEHOLDER.findall(said["sv"])) <= set(
        PLACEHOLDER.findall(message + (plural or ""))
    )
    assert set(PLACEHOLDER.findall(said["en"])) <= set(
        PLACEHOLDER.findall(message + (plural or ""))
    )


def _form_classes() -> list[type]:
    for module in pkgutil.walk_packages(summit.__path__, "summit."):
        importlib.import_module(module.name)

    def subclasses(cls):
        for sub in cls.__subclasses__():
            yield sub
            yield from subclasses(sub)

    return [c for c in subclasses(wtforms.Form) if c.__module__.startswith("summit.")]


def test_every_form_speaks_the_visitors_language():
    forms = _form_classes()
    assert len(forms) > 50
    strays = [f"{c.__module__}.{c.__name__}" for c in forms if not issubclass(c, Form | PlainForm)]
    assert not strays, f"forms outside summit.forms.Form/PlainForm: {strays}"


@pytest.mark.parametrize(
    ("language", "said", "not_said"),
    [
        ("sv", "Högst 200 tecken.", "Field cannot be longer"),
        ("en", "At most 200 characters.", "Field cannot"),
    ],
)
def test_a_too_long_name_is_refused_in_the_visitors_words(
    client, db, make_user, login, language, said, not_said
):
    login(make_user("admin@example.org", is_site_admin=True))
    token = csrf_token(client, "/manage/events/new")
    response = client.post(
        "/manage/events/new",
        data=dict(GOOD, name_en="x" * 201, csrf_token=token),
        headers={"Accept-Language": language},
    )
    assert response.status_code == 422
    body = response.get_data(as_text=True)
    assert said in body and not_said not in body
