"""Small helpers shared by the blueprints' forms."""

import re
from collections.abc import Callable
from zoneinfo import ZoneInfo

import wtforms
from flask import abort, flash, render_template, request
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from flask_wtf.form import SUBMIT_METHODS, _Auto
from werkzeug.datastructures import FileStorage, MultiDict
from wtforms import DateTimeLocalField, HiddenField, IntegerField, SubmitField, TimeField
from wtforms.fields import FieldList, FileField, FormField, MultipleFileField, SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError

from .models import wall_clock
from .services.refusal import Refusal

# What <input type="datetime-local"> sends: minutes, or seconds when a browser adds them.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def local_time(field, tz: ZoneInfo):
    """A datetime-local field's value as an aware time in the event's zone (None when
    it is empty). A wall-clock time that never happens there (the hour skipped in
    spring, models.wall_clock) is refused, naming the field: form_saved shows it."""
    if field.data is None:
        return None
    moment = wall_clock(field.data, tz)
    if moment is None:
        raise Refusal("nonexistent_time", field=field.name, zone=tz.key)
    return moment


def strip(value):
    """Phones add a space after an autocompleted address; it is not part of it."""
    return value.strip() if isinstance(value, str) else value


def upper(value):
    """Codes are compared in capitals, without the spaces around them."""
    return value.strip().upper() if isinstance(value, str) else value


def at_most(n: int) -> Length:
    """Length(max=n) with our wording (any Length() now speaks the visitor's language)."""
    return Length(max=n, message=_l("At most %(n)d characters.", n=n))


class OwnWords:
    """Every message WTForms itself can show (its validators and fields), in our words
    and the visitor's language. WTForms' own Swedish catalogue misses some of them and
    would be parsed on every request; these are in our catalogue, looked up lazily.
    Placeholders are WTForms' own: it fills them in after translating."""

    _CHOICE = _l("Choose one of the options.")
    _EXPIRED = _l("The form has expired. Send it again.")
    WORDS = {
        "Invalid field name '%s'.": _l("Check what you entered."),
        "Field must be equal to %(other_name)s.": _l("The two fields must be the same."),
        "Field must be at least %(min)d character long.": _l("At least %(min)d characters."),
        "Field cannot be longer than %(max)d character.": _l("At most %(max)d characters."),
        "Field must be exactly %(max)d character long.": _l("Exactly %(max)d characters."),
        "Field must be between %(min)d and %(max)d characters long.": _l(
            "From %(min)d to %(max)d characters."
        ),
        "Number must be at least %(min)s.": _l("At least %(min)s."),
        "Number must be at most %(max)s.": _l("At most %(max)s."),
        "Number must be between %(min)s and %(max)s.": _l("From %(min)s to %(max)s."),
        "Date must be at least %(min)s.": _l("No earlier than %(min)s."),
        "Date must be at most %(max)s.": _l("No later than %(max)s."),
        "Date must be between %(min)s and %(max)s.": _l("Between %(min)s and %(max)s."),
        "This field is required.": _l("This field is required."),
        "Invalid input.": _l("Check what you entered."),
        "Invalid email address.": _l("Enter a valid email address."),
        "Invalid IP address.": _l("Enter a valid IP address."),
        "Invalid Mac address.": _l("Enter a valid MAC address."),
        "Invalid URL.": _l("Enter a web address, e.g. https://example.org."),
        "Invalid UUID.": _l("Enter a valid UUID."),
        "Invalid value, must be one of: %(values)s.": _l("Choose one of: %(values)s."),
        "Invalid value, can't be any of: %(values)s.": _l("Not allowed: %(values)s."),
        "This field cannot be edited.": _l("This field cannot be changed."),
        "This field is disabled and cannot have a value.": _l("This field cannot be changed."),
        "Invalid CSRF Token.": _EXPIRED,
        "CSRF token missing.": _EXPIRED,
        "CSRF failed.": _EXPIRED,
        "CSRF token expired.": _EXPIRED,
        "Not a valid choice.": _CHOICE,
        "Invalid Choice: could not coerce.": _CHOICE,
        "Choices cannot be None.": _CHOICE,
        "'%(value)s' is not a valid choice for this field.": _CHOICE,
        "'%(value)s' are not valid choices for this field.": _CHOICE,
        "Invalid choice(s): one or more data inputs could not be coerced.": _CHOICE,
        "Not a valid datetime value.": _l("Enter a date and time, e.g. 2027-05-18 09:00."),
        "Not a valid date value.": _l("Enter a date, e.g. 2027-05-18."),
        "Not a valid time value.": _l("Enter a time, e.g. 09:00."),
        "Not a valid week value.": _l("Enter a week, e.g. 2027-W20."),
        "Not a valid integer value.": _l("Enter a whole number, e.g. 100."),
        "Not a valid decimal value.": _l("Enter a number, e.g. 12.5."),
        "Not a valid float value.": _l("Enter a number, e.g. 12.5."),
    }

    def gettext(self, string):
        return str(self.WORDS.get(string, string))

    def ngettext(self, singular, plural, n):
        return self.gettext(singular) if singular in self.WORDS else self.gettext(plural)


OWN_WORDS = OwnWords()

# Input no person types, refused on every form by the field it came in (issue 13):
# control characters (NUL breaks PostgreSQL; tab and line breaks are text), a file sent
# for a text field, and whole numbers beyond what an integer column holds.
CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
LARGEST_NUMBER = 2**31 - 1
_CONTROL_MESSAGE = _l("Remove the control characters (such as NUL) from this field.")
_FILE_MESSAGE = _l("Send this as text, not as a file.")
_NUMBER_MESSAGE = _l("Enter a smaller number.")


class _FileForText(str):
    """A file part sent for a field that is not a file field: read as empty text and
    marked, so the field says what was wrong."""


def _text_only(form, formdata):
    """formdata with every file part outside the form's own file fields replaced by an
    empty, marked text (a field given a file would otherwise crash: len(), int())."""
    if formdata is None or not hasattr(formdata, "lists"):
        return formdata
    pairs = [(key, value) for key, values in formdata.lists() for value in values]
    if not any(isinstance(value, FileStorage) for _key, value in pairs):
        return formdata
    files = {f.name for f in form if isinstance(f, FileField | MultipleFileField)}
    return MultiDict(
        [
            (key, _FileForText() if isinstance(v, FileStorage) and key not in files else v)
            for key, v in pairs
        ]
    )


def _json_formdata():
    """A form posted as JSON (Flask-WTF reads it): a flat object of texts and numbers,
    read by the app's bounded reader; anything else is a 400."""
    data = request.get_json()  # unreadable or too deep: 400 (summit.requests)
    if not isinstance(data, dict):
        abort(400)
    pairs = []
    for key, value in data.items():
        for item in value if isinstance(value, list) else [value]:
            if not isinstance(item, str | int | float) or isinstance(item, bool):
                abort(400)
            pairs.append((key, str(item)))
    return MultiDict(pairs)


def _check_input(field) -> None:
    """Refuse what no person types, by the field (see CONTROL_CHARACTERS)."""
    if isinstance(field, FormField):
        return  # its own form checked its fields
    if isinstance(field, FieldList):
        for entry in field.entries:
            _check_input(entry)
        return
    raw = [v for v in field.raw_data or [] if isinstance(v, str)]
    if any(isinstance(v, _FileForText) for v in raw):
        field.process_errors.append(_FILE_MESSAGE)
    if any(CONTROL_CHARACTERS.search(v) for v in raw):
        # A hidden field (a `next` page, a token) is not typed by the person: cleaned
        # without a message nobody could act on; the view checks what is left.
        if not isinstance(field, HiddenField):
            field.process_errors.append(_CONTROL_MESSAGE)
        field.raw_data = [CONTROL_CHARACTERS.sub("", v) for v in raw]
        if isinstance(field.data, str):
            field.data = CONTROL_CHARACTERS.sub("", field.data)
        elif isinstance(field.data, list):
            field.data = [
                CONTROL_CHARACTERS.sub("", v) if isinstance(v, str) else v for v in field.data
            ]
    data = field.data
    if isinstance(data, int) and not isinstance(data, bool) and abs(data) > LARGEST_NUMBER:
        field.process_errors.append(_NUMBER_MESSAGE)
        field.data = None


class _OwnWordsMeta:
    def get_translations(self, form):
        return OWN_WORDS

    def wrap_formdata(self, form, formdata):
        if (
            formdata is _Auto
            and request
            and request.method in SUBMIT_METHODS
            and not request.files
            and not request.form
            and request.is_json
        ):
            return _json_formdata()
        return _text_only(form, super().wrap_formdata(form, formdata))


class _CheckedInput:
    """Every field read from a request is checked by _check_input after processing."""

    def process(self, formdata=None, obj=None, data=None, extra_filters=None, **kwargs):
        super().process(formdata, obj, data=data, extra_filters=extra_filters, **kwargs)
        for field in self:
            _check_input(field)


class Form(_CheckedInput, FlaskForm):
    """The base of every form sent by POST: CSRF, WTForms' own messages in our words
    and the visitor's language (see OwnWords), and input no person types refused by the
    field (_check_input)."""

    Meta = _OwnWordsMeta


class PlainForm(_CheckedInput, wtforms.Form):
    """A form without CSRF (a search sent by GET, a part inside a FormField), in the
    same words and with the same checks as Form."""

    Meta = _OwnWordsMeta


def enum_choices(enum_class) -> list[SelectChoice]:
    """The members of an enum as select options, labelled in the page's language."""
    return [SelectChoice(m.value, m.label) for m in enum_class]


def form_page(template: str, form, **context):
    """A page with a form: 422 when the form came back with errors, else 200."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


def show_refusal(refusal, form=None, fields: dict | None = None, *, above_form=False):
    """Show a service's refusal (services/refusal.Refusal; nothing was stored, the unit
    of work rolled back): on the form field it names (`fields` maps a service's names to
    the form's; None: a refusal about no field), else on the form's first field a person
    fills in; as a flash when there is no such field (no form, or only a button).
    `above_form`: a refusal about no field of the form is returned instead, for the page
    to show above the form (None when it was put on a field)."""
    name = (fields or {}).get(refusal.field, refusal.field)
    typed = [
        f
        for f in (form if form is not None else ())
        if not isinstance(f, HiddenField | SubmitField)
    ]
    target = next((f for f in typed if f.short_name == name), None)
    if target is None and above_form:
        return refusal.message
    target = target or next(iter(typed), None)
    if target is None:
        flash(refusal.message, "error")
    elif refusal.message not in target.errors:
        target.errors = [*target.errors, refusal.message]
    return None


class ButtonForm(Form):
    """A button whose form carries only the CSRF token (delete, withdraw, reset ...)."""


def form_saved(form, save: Callable[[], object], fields: dict[str, str] | None = None) -> bool:
    """The POST of an add or edit page, written once: True when `form` came back valid
    and `save()` stored it (the page then says so and moves on); False when the form is
    to be shown again with what to correct, its own checks or a service's refusal
    (nothing stored) put on it by show_refusal (`fields` as there)."""
    if not form.validate_on_submit():
        return False
    try:
        save()
    except Refusal as refusal:
        show_refusal(refusal, form, fields)
        return False
    return True


def form_removed(form, remove: Callable[[], object]) -> bool:
    """The POST of a remove (delete, withdraw) button, written once: a button without
    its CSRF token is a 400; True when `remove()` went through; False when a service
    refused (nothing removed) and the refusal is flashed, for the page to go back."""
    if not form.validate_on_submit():
        abort(400)
    try:
        remove()
    except Refusal as refusal:
        show_refusal(refusal)
        return False
    return True


class CountField(IntegerField):
    """A whole number, with a message people understand."""

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            self.data = None
            raise ValueError(_l("Enter a whole number, e.g. 100.")) from None


class LocalTimeField(DateTimeLocalField):
    """A date and time in Swedish time (the event's zone), from the browser's picker."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(label, validators, format=DATETIME_FORMATS, **kwargs)

    def process_formdata(self, valuelist):
        try:
            super().process_formdata(valuelist)
        except ValueError:
            raise ValueError(_l("Enter a date and time, e.g. 2027-05-18 09:00.")) from None


class ClockField(TimeField):
    """A time of day in the event's local time, from the browser's time picker or typed
    (09:00, 9.00)."""

    def __init__(self, label=None, validators=None, **kwargs):
        super().__init__(
            label,
            validators,
            format=["%H:%M", "%H:%M:%S", "%H.%M"],
            invalid_value_message=_l("Enter a time, e.g. 09:00."),
            **kwargs,
        )


def between(low, high, message=None):
    """The number (or öre amount) is within [low, high]; silent when the field already
    has an error from reading its value."""

    def check(_form, field):
        if field.process_errors:
            raise StopValidation()
        if field.data is None or not low <= field.data <= high:
            raise ValidationError(
                message or _l("Enter a number from %(low)d to %(high)d.", low=low, high=high)
            )

    return check


def plausible_year(_form, field):
    if field.data is not None and not 2000 <= field.data.year <= 2100:
        raise ValidationError(_l("Enter a date between the years 2000 and 2100."))
