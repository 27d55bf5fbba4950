from flask_babel import lazy_gettext as _l
from flask_wtf.file import FileField
from wtforms import (
    BooleanField,
    ColorField,
    DateField,
    DateTimeLocalField,
    EmailField,
    IntegerField,
    SelectField,
    StringField,
    SubmitField,
    TextAreaField,
    URLField,
)
from wtforms.validators import (
    URL,
    DataRequired,
    Email,
    InputRequired,
    Length,
    NumberRange,
    Optional,
    ValidationError,
)

from ...forms import Form, enum_choices, strip
from ...models import EventFormat, EventKind, Role
from ...models.events import DEFAULT_ACCENT
from ...services.branding import ACCENT_RE
from ...services.events import SLUG_RE


def slug_format(_form, field):
    if not SLUG_RE.match(field.data or ""):
        raise ValidationError(
            _l("Use 2–64 lowercase letters a–z, digits and hyphens, e.g. summit2027.")
        )


class EventForm(Form):
    slug = StringField(
        _l("Address (slug)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter an address.")), slug_format],
        # No "<slug>": a lazy text reaches the page unescaped, and would be a tag.
        description=_l("Part of the event's web address, as summit2027 in /events/summit2027/."),
    )
    kind = SelectField(_l("Kind"), choices=enum_choices(EventKind))
    format = SelectField(_l("Format"), choices=enum_choices(EventFormat))
    name_sv = StringField(
        _l("Name (Swedish)"),
        validators=[DataRequired(message=_l("Enter a name.")), Length(max=200)],
    )
    name_en = StringField(_l("Name (English)"), validators=[Optional(), Length(max=200)])
    description_sv = TextAreaField(
        _l("Description (Swedish)"), validators=[Optional(), Length(max=20000)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[Optional(), Length(max=20000)]
    )
    venue_name = StringField(_l("Venue"), validators=[Optional(), Length(max=200)])
    venue_address = StringField(_l("Venue address"), validators=[Optional(), Length(max=300)])
    stream_url = URLField(
        _l("Stream link"),
        validators=[
            Optional(),
            Length(max=500),
            URL(require_tld=False, message=_l("Enter a full web address, e.g. https://…")),
        ],
        description=_l("Required for online and hybrid events; shown only to registered people."),
    )
    starts_at = DateTimeLocalField(
        _l("Starts"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message=_l("Enter a date and time."))],
    )
    ends_at = DateTimeLocalField(
        _l("Ends"),
        format="%Y-%m-%dT%H:%M",
        validators=[InputRequired(message=_l("Enter a date and time."))],
    )
    invoice_due_days = IntegerField(
        _l("Days to pay an invoice"),
        default=30,
        validators=[
            Optional(),
            NumberRange(min=1, max=120, message=_l("Enter a number from 1 to 120.")),
        ],
    )
    invoice_reminder_days = IntegerField(
        _l("Days before a payment reminder"),
        default=10,
        validators=[
            Optional(),
            NumberRange(min=1, max=60, message=_l("Enter a number from 1 to 60.")),
        ],
        description=_l(
            "An unpaid invoice is reminded this many days after its due date, and once more "
            "as many days after that; then it is listed for you under overdue invoices."
        ),
    )
    # Not named "logo": the form is filled from the event, whose logo is its bytes.
    logo_upload = FileField(
        _l("Logo (optional)"),
        description=_l(
            "A PNG, JPEG or WebP image of at most 2 MB. Printed on badges and tickets and "
            "shown on the event page."
        ),
        render_kw={"accept": "image/png,image/jpeg,image/webp"},
    )
    remove_logo = BooleanField(_l("Remove the logo"))
    accent_color = ColorField(
        _l("Accent colour"),
        filters=[strip],
        default=DEFAULT_ACCENT,
        description=_l(
            "On badges, tickets and the event page. Text on it is set in black or white, "
            "whichever reads better."
        ),
    )
    submit = SubmitField(_l("Save"))

    def validate_accent_color(self, field):
        if not ACCENT_RE.fullmatch(field.data or ""):
            raise ValidationError(_l("Enter a colour as # and six hex digits, e.g. #0b5a5a."))

    def validate_stream_url(self, field):
        if field.data and not field.data.lower().startswith(("https://", "http://")):
            raise ValidationError(_l("Enter a full web address, e.g. https://…"))


class PublishForm(Form):
    submit = SubmitField(_l("Publish"))


class UnpublishForm(Form):
    submit = SubmitField(_l("Unpublish"))


class GrantRoleForm(Form):
    email = EmailField(
        _l("Email"),
        filters=[strip],
        validators=[
            DataRequired(message=_l("Enter an email address.")),
            Length(max=254),
            Email(message=_l("Enter a valid email address."), check_deliverability=False),
        ],
    )
    role = SelectField(_l("Role"), choices=enum_choices(Role))
    submit = SubmitField(_l("Grant role"))


class RevokeRoleForm(Form):
    grant = IntegerField(validators=[InputRequired()])
    submit = SubmitField(_l("Remove"))


class RetryForm(Form):
    submit = SubmitField(_l("Try again"))


class CopyEventForm(Form):
    """Next year's event from this one (services/event_copy.py)."""

    name_sv = StringField(
        _l("Name (Swedish)"), filters=[strip], validators=[DataRequired(), Length(max=200)]
    )
    name_en = StringField(
        _l("Name (English)"), filters=[strip], validators=[Optional(), Length(max=200)]
    )
    slug = StringField(
        _l("Address (slug)"),
        filters=[strip],
        validators=[DataRequired(), slug_format],
        description=_l("Lowercase letters, digits and hyphens, e.g. summit2028."),
    )
    starts_on = DateField(
        _l("First day"),
        validators=[DataRequired()],
        description=_l("Every date moves by the days between the two first days."),
    )
    submit = SubmitField(_l("Make the copy"))
