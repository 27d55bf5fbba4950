"""Small helpers shared by the blueprints' forms."""

from flask import render_template
from flask_babel import lazy_gettext as _l
from flask_wtf import FlaskForm
from wtforms import DateTimeLocalField, IntegerField, TimeField
from wtforms.fields import SelectChoice
from wtforms.validators import Length, StopValidation, ValidationError

# What <input type="datetime-local"> sends: minutes, or seconds when a browser adds them.
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%dT%H:%M:%S"]


def strip(value):
    """Phones add a space after an autocompleted address; it is not part of it."""
    return value.strip() if isinstance(value, str) else value


def upper(value):
    """Codes are compared in capitals, without the spaces around them."""
    return value.strip().upper() if isinstance(value, str) else value


def at_most(n: int) -> Length:
    """Length(max=n), said in the visitor's language: WTForms' own message is English
    only (its catalogue is not loaded, see WTF_I18N_ENABLED)."""
    return Length(max=n, message=_l("At most %(n)d characters.", n=n))


class OwnWords:
    """WTForms' built-in messages that tampered input can bring to a page (a choice not
    offered, a value that is no number), in our words and the visitor's language. Use
    it as a form's translations: `class Meta: get_translations = own_words`."""

    _CHOICE = _l("Choose one of the options.")
    WORDS = {
        "Not a valid choice.": _CHOICE,
        "Invalid Choice: could not coerce.": _CHOICE,
        "Choices cannot be None.": _CHOICE,
        "'%(value)s' is not a valid choice for this field.": _CHOICE,
        "'%(value)s' are not valid choices for this field.": _CHOICE,
        "Invalid choice(s): one or more data inputs could not be coerced.": _CHOICE,
        "Not a valid integer value.": _l("Enter a whole number, e.g. 100."),
    }

    def gettext(self, string):
        return str(self.WORDS.get(string, string))

    def ngettext(self, singular, plural, n):
        return self.gettext(singular if n == 1 else plural)


def own_words(_meta, _form) -> OwnWords:
    return OwnWords()


def enum_choices(enum_class) -> list[SelectChoice]:
    """The members of an enum as select options, labelled in the page's language."""
    return [SelectChoice(m.value, m.label) for m in enum_class]


def form_page(template: str, form, **context):
    """A page with a form: 422 when the form came back with errors, else 200."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


class ButtonForm(FlaskForm):
    """A button whose form carries only the CSRF token (delete, withdraw, reset ...)."""


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
