"""Small helpers shared by the blueprints' forms."""

import wtforms
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


class _OwnWordsMeta:
    def get_translations(self, form):
        return OWN_WORDS


class Form(FlaskForm):
    """The base of every form sent by POST: CSRF, and WTForms' own messages in our
    words and the visitor's language (see OwnWords)."""

    Meta = _OwnWordsMeta


class PlainForm(wtforms.Form):
    """A form without CSRF (a search sent by GET, a part inside a FormField), in the
    same words as Form."""

    Meta = _OwnWordsMeta


def enum_choices(enum_class) -> list[SelectChoice]:
    """The members of an enum as select options, labelled in the page's language."""
    return [SelectChoice(m.value, m.label) for m in enum_class]


def form_page(template: str, form, **context):
    """A page with a form: 422 when the form came back with errors, else 200."""
    return render_template(template, form=form, **context), 422 if form.errors else 200


class ButtonForm(Form):
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
