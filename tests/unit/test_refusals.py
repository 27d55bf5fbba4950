"""One family of refusals, shown one way.

Every user-facing error a service raises is a services.refusal.Refusal, and each reason
it is raised with has words; summit.forms.show_refusal puts one on the form field it
names, else on the form's first field, else in a flash.
"""

import ast
import importlib
import inspect
from pathlib import Path

from flask import get_flashed_messages
from wtforms import HiddenField, StringField, SubmitField

from summit.forms import ButtonForm, Form, show_refusal
from summit.services.refusal import Refusal

ROOT = Path(__file__).resolve().parents[2]
SERVICES = ROOT / "summit" / "services"

# Exceptions of the services that are not refusals a person is shown, and why.
NOT_REFUSALS = {
    "OrderTransitionError": "a move the order state table forbids: a programming error",
    "LostClaim": "a background run another worker took over: internal to the worker",
    "BadWebhook": "a request that is not Stripe's: answered 400, never shown to a person",
    "BillingError": "a credit note for more than the invoice asks for: a programming error",
    "BackupError": "the operator's `flask backup` failing: a line on the command line, in English",
    "UnbalancedVoucher": "a voucher the bookkeeping export built wrong: never written, a bug",
    "AccessPointError": "a Peppol access point's answer to the worker, kept on its delivery",
    "TransientError": "an access point busy or unreachable: the worker tries again later",
    "PermanentError": "an access point refusing a document: shown on the order as it said it",
}


def _service_modules():
    for path in sorted(SERVICES.rglob("*.py")):
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts)
        yield importlib.import_module(name.removesuffix(".__init__"))


def _service_exceptions():
    return {
        (module.__name__, name): cls
        for module in _service_modules()
        for name, cls in vars(module).items()
        if inspect.isclass(cls) and issubclass(cls, Exception) and cls.__module__ == module.__name__
    }


def _has_words(cls, reason: str) -> bool:
    return any(reason in klass.__dict__.get("messages", {}) for klass in cls.__mro__)


def _literals(node) -> list[str]:
    """The reasons a raise's first argument can be: a string, or either side of an
    `a if c else b` of strings (anything else is not checked here)."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        return [node.value]
    if isinstance(node, ast.IfExp):
        return _literals(node.body) + _literals(node.orelse)
    return []


def _refusals_made():
    """(file:line, class name, reason) of every refusal made with a literal reason in
    summit/: `XError("reason", ...)`, raised or returned."""
    for path in sorted((ROOT / "summit").rglob("*.py")):
        for node in ast.walk(ast.parse(path.read_text(), str(path))):
            if not isinstance(node, ast.Call) or not node.args:
                continue
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            for reason in _literals(node.args[0]):
                yield f"{path.relative_to(ROOT)}:{node.lineno}", name, reason


def test_every_error_a_service_raises_for_people_is_a_refusal():
    found = _service_exceptions()
    assert {name for _module, name in found} >= {"OrderError", "SetupError", "PaymentError"}
    outside = [
        f"{module}.{name}"
        for (module, name), cls in found.items()
        if not issubclass(cls, Refusal) and name not in NOT_REFUSALS
    ]
    assert outside == []


def test_every_reason_a_refusal_is_made_with_has_words():
    refusals = {}
    for (_module, name), cls in _service_exceptions().items():
        if issubclass(cls, Refusal):
            refusals.setdefault(name, []).append(cls)
    made = [(where, name, reason) for where, name, reason in _refusals_made() if name in refusals]
    assert len(made) > 150  # the raise sites are found: this test checks something
    wordless = [
        f"{where}: {name}({reason!r})"
        for where, name, reason in made
        if not any(_has_words(cls, reason) for cls in refusals[name])
    ]
    assert wordless == []


def test_every_message_of_a_refusal_is_translated_text(app):
    """Each reason's words come out as text (the lambdas take what their raise sites
    give: here a generous set of parameters)."""
    from datetime import UTC, datetime

    params = {
        "n": 3,
        "low": 1,
        "high": 5,
        "zone": "Europe/Stockholm",
        "name": "Ordinarie",
        "left": 2,
        "code": "EARLY",
        "names": "Ordinarie",
        "free": True,
        "held": 2,
        "until": datetime(2027, 5, 18, 9, tzinfo=UTC),
        "minimum": 300,
        "mb": 2,
        "retry_after": 61,
        "state": _State(),
        "allowed": "{name}",
        "day": "18 maj",
        "start": "09:00",
        "end": "17:00",
        "line": 2,
        "key": "annat",
        "attendee": "Åsa Öberg-Lindqvist",
        "wanted": 3,
        "ref": "K7PMXQ4R",
        "classes": "1",
        "percent": 25,
        "reference": "K7PMXQ4R",
        "number": 1042,
    }
    with app.test_request_context("/", headers={"Accept-Language": "en"}):
        for (_module, name), cls in _service_exceptions().items():
            for reason, words in cls.__dict__.get("messages", {}).items():
                text = words(params)
                assert isinstance(text, str) and text and text != reason, (name, reason)


class _State:
    label = "Submitted"


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
