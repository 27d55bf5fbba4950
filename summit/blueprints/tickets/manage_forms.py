"""Forms of the organizer's ticketing pages: ticket types, discount codes, order search
and the order actions."""

import re
from datetime import datetime

from flask_babel import get_locale
from flask_babel import lazy_gettext as _l
from wtforms import (
    BooleanField,
    Field,
    IntegerField,
    RadioField,
    SelectField,
    SelectMultipleField,
    StringField,
    SubmitField,
    TextAreaField,
)
from wtforms.fields import SelectChoice
from wtforms.validators import (
    DataRequired,
    InputRequired,
    Length,
    Optional,
    ValidationError,
)
from wtforms.widgets import CheckboxInput, ListWidget, TextInput

from ...forms import (
    CountField,
    Form,
    LocalTimeField,
    PlainForm,
    at_most,
    between,
    enum_choices,
    plausible_year,
    strip,
    upper,
)
from ...models import BadgeRole, DiscountKind, OrderStatus
from ...services.tickets.codes import random_code
from ...services.tickets.sales import MAX_CAPACITY, MAX_PRICE, VAT_RATES

AMOUNT_RE = re.compile(r"(\d{1,9})(?:[.,](\d{1,2}))?")
CODE_FORMAT = re.compile(r"^[A-Z0-9_-]{3,64}$")


class KronorField(Field):
    """An amount typed in kronor ("1500", "1 500", "1500,50", "1500 kr"); data is öre."""

    widget = TextInput()

    def process_formdata(self, valuelist):
        self.data = None
        text = re.sub(r"\s", "", valuelist[0] if valuelist else "").lower()
        text = text.removesuffix("kr").removesuffix(":-")
        if not text:
            return
        match = AMOUNT_RE.fullmatch(text)
        if not match:
            raise ValueError(_l("Enter an amount in kronor, e.g. 1500 or 1500,50."))
        self.data = int(match[1]) * 100 + int((match[2] or "0").ljust(2, "0"))

    def _value(self):
        if self.raw_data:
            return self.raw_data[0]
        if self.data is None:
            return ""
        kronor, ore = divmod(self.data, 100)
        decimal = "." if str(get_locale() or "sv").startswith("en") else ","
        return f"{kronor}{decimal}{ore:02d}" if ore else str(kronor)


def code_format(_form, field):
    if field.data and not CODE_FORMAT.match(field.data):
        raise ValidationError(
            _l("Use 3–64 letters A–Z, digits, hyphens or underscores, e.g. EARLYBIRD.")
        )


class TicketTypeForm(Form):
    name_sv = StringField(
        _l("Name (Swedish)"),
        filters=[strip],
        validators=[DataRequired(message=_l("Enter a name.")), at_most(120)],
    )
    name_en = StringField(
        _l("Name (English)"), filters=[strip], validators=[Optional(), at_most(120)]
    )
    description_sv = TextAreaField(
        _l("Description (Swedish)"), validators=[Optional(), at_most(5000)]
    )
    description_en = TextAreaField(
        _l("Description (English)"), validators=[Optional(), at_most(5000)]
    )
    price = KronorField(
        _l("Price (kronor, VAT included)"),
        validators=[
            InputRequired(message=_l("Enter a price; 0 for a free ticket.")),
            between(0, MAX_PRICE, _l("Enter a price from 0 to 1 000 000 kronor.")),
        ],
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    vat_percent = SelectField(
        _l("VAT rate"),
        coerce=int,
        choices=[SelectChoice(rate, f"{rate} %") for rate in VAT_RATES],
        default=25,
        description=_l(
            "25 percent for most conferences, 6 percent for some cultural events, 0 percent "
            "where VAT does not apply."
        ),
    )
    capacity = CountField(
        _l("Number of tickets"),
        validators=[
            Optional(),
            between(0, MAX_CAPACITY, _l("Enter a number from 0 to 1 000 000.")),
        ],
        description=_l("Leave empty for no limit of its own (the event's limit still applies)."),
    )
    max_per_order = CountField(
        _l("At most per order"),
        default=10,
        validators=[
            InputRequired(message=_l("Enter a number from 1 to 50.")),
            between(1, 50, _l("Enter a number from 1 to 50.")),
        ],
    )
    sale_starts_at = LocalTimeField(
        _l("Sale starts"),
        validators=[Optional(), plausible_year],
        description=_l("Leave empty to sell from when the event is published."),
    )
    sale_ends_at = LocalTimeField(
        _l("Sale ends"),
        validators=[Optional(), plausible_year],
        description=_l("Leave empty to sell until the event starts."),
    )
    is_visible = BooleanField(_l("Shown in the ticket shop"), default=True)
    access_code = StringField(
        _l("Access code"),
        filters=[upper],
        validators=[Optional(), at_most(64), code_format],
        description=_l(
            "A hidden ticket type is offered only to people who enter this code (e.g. "
            "partners). Leave it empty for a random code of 12 characters; one of your "
            "own needs at least 8, and not a word and a year. To give single tickets "
            "(e.g. one per speaker), make vouchers instead."
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    is_active = BooleanField(_l("On sale (active)"), default=True)
    position = CountField(
        _l("Order in the shop"),
        validators=[Optional(), between(0, 1000, _l("Enter a number from 0 to 1000."))],
        description=_l("Lower numbers are shown first. Leave empty to put it last."),
    )
    badge_role = SelectField(
        _l("Role on the badge"),
        choices=enum_choices(BadgeRole),
        default=BadgeRole.ATTENDEE.value,
        description=_l(
            "The ribbon on its holders' badges. Confirmed speakers get “Speaker” whatever "
            "their ticket."
        ),
    )
    requires_approval = BooleanField(
        _l("Needs the organizers' approval"),
        description=_l(
            "Buyers apply without paying; approved buyers get a link to pay that holds "
            "their seats for the time below."
        ),
    )
    approval_hold_hours = CountField(
        _l("Seats held after approval (hours)"),
        default=48,
        validators=[Optional(), between(1, 720, _l("Enter a number of hours from 1 to 720."))],
        description=_l("Leave empty for 48 hours."),
    )
    submit = SubmitField(_l("Save ticket type"))

    @staticmethod
    def initial(ticket_type, tz) -> dict:
        """The form's values for an existing ticket type, times in the event's zone."""
        data = sale_item_initial(
            ticket_type,
            tz,
            (
                "name_sv",
                "name_en",
                "description_sv",
                "description_en",
                "price",
                "vat_percent",
                "capacity",
                "max_per_order",
                "is_visible",
                "is_active",
                "position",
                "requires_approval",
                "approval_hold_hours",
            ),
        )
        data["access_code"] = ticket_type.access_code or ""
        data["badge_role"] = ticket_type.badge_role.value
        return data


def sale_item_initial(item, tz, names: tuple[str, ...]) -> dict:
    """A form's values for something sold (a ticket type, an add-on): the named
    columns as they are, the sale window in the event's zone without its offset (as the
    browser's date-time field takes it)."""
    data = {name: getattr(item, name) for name in names}
    for name in ("sale_starts_at", "sale_ends_at"):
        value = getattr(item, name)
        data[name] = value.astimezone(tz).replace(tzinfo=None) if value else None
    return data


class DiscountCodeForm(Form):
    code = StringField(
        _l("Code"),
        filters=[upper],
        validators=[DataRequired(message=_l("Enter a code.")), at_most(64), code_format],
        default=random_code,
        description=_l(
            "What buyers type in the shop; capitals and lower case are the same. The "
            "suggested code is random and hard to guess; a word of your own (EARLYBIRD) "
            "is easier to pass on, and easier to guess."
        ),
        render_kw={"autocomplete": "off", "autocapitalize": "characters"},
    )
    kind = SelectField(_l("Kind of discount"), choices=enum_choices(DiscountKind))
    percent = CountField(
        _l("Percent off"),
        validators=[Optional(), between(1, 100, _l("Enter a percentage from 1 to 100."))],
        description=_l("For a percentage discount: 1–100 (100 makes the ticket free)."),
    )
    amount = KronorField(
        _l("Kronor off each ticket"),
        validators=[
            Optional(),
            between(100, MAX_PRICE, _l("Enter an amount from 1 to 1 000 000 kronor.")),
        ],
        description=_l("For a fixed discount, e.g. 500."),
        render_kw={"inputmode": "decimal", "autocomplete": "off"},
    )
    max_uses = CountField(
        _l("Maximum number of uses"),
        validators=[
            Optional(),
            between(1, MAX_CAPACITY, _l("Enter a number from 1 to 1 000 000.")),
        ],
        description=_l("Each discounted ticket is one use. Leave empty for no limit."),
    )
    valid_from = LocalTimeField(_l("Valid from"), validators=[Optional(), plausible_year])
    valid_until = LocalTimeField(_l("Valid until"), validators=[Optional(), plausible_year])
    ticket_types = SelectMultipleField(
        _l("Ticket types"),
        coerce=int,
        choices=[],
        widget=ListWidget(prefix_label=False),
        option_widget=CheckboxInput(),
        description=_l("Choose none for a code that applies to every ticket type."),
    )
    is_active = BooleanField(_l("Active"), default=True)
    submit = SubmitField(_l("Save discount code"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        kind = self.kind.data
        if kind == DiscountKind.PERCENT.value and self.percent.data is None:
            if not self.percent.errors:
                self.percent.errors.append(_l("Enter a percentage from 1 to 100."))
            valid = False
        if kind == DiscountKind.FIXED.value and self.amount.data is None:
            if not self.amount.errors:
                self.amount.errors.append(_l("Enter an amount from 1 to 1 000 000 kronor."))
            valid = False
        return valid

    @property
    def value(self) -> int:
        """Percent or öre, as the chosen kind needs."""
        if self.kind.data == DiscountKind.PERCENT.value:
            return self.percent.data
        return self.amount.data

    @staticmethod
    def initial(code, tz) -> dict:
        data = {
            "code": code.code,
            "kind": code.kind.value,
            "max_uses": code.max_uses,
            "is_active": code.is_active,
            "ticket_types": [t.id for t in code.ticket_types],
            "percent": code.value if code.kind is DiscountKind.PERCENT else None,
            "amount": code.value if code.kind is DiscountKind.FIXED else None,
        }
        for name in ("valid_from", "valid_until"):
            value: datetime | None = getattr(code, name)
            data[name] = value.astimezone(tz).replace(tzinfo=None) if value else None
        return data


class OrderSearchForm(PlainForm):
    """Read from the query string: a search is a link people can share and go back to."""

    q = StringField(
        _l("Search"),
        filters=[strip],
        validators=[Optional(), Length(max=200)],
        description=_l("Order number, buyer's name or email, or an attendee's name."),
        render_kw={"autocomplete": "off"},
    )
    status = SelectField(
        _l("Status"),
        choices=[SelectChoice("", _l("All")), *enum_choices(OrderStatus)],
        default="",
    )

    # An answer to a registration question, "sektor:offentlig" (choices set by the view).
    answer = SelectField(_l("Answer to a question"), choices=[], default="", validate_choice=False)

    def chosen_status(self) -> OrderStatus | None:
        try:
            return OrderStatus(self.status.data) if self.status.data else None
        except ValueError:
            return None


class DeactivateForm(Form):
    submit = SubmitField(_l("Deactivate"))


class DeleteForm(Form):
    submit = SubmitField(_l("Delete"))


class ResendForm(Form):
    submit = SubmitField(_l("Send the confirmation email again"))


class CancelOrderForm(Form):
    # The ticket's number in the order (1, 2, ...); empty cancels the whole order.
    ticket = IntegerField(validators=[Optional()])
    submit = SubmitField(_l("Cancel the order"))


class RefundForm(Form):
    # The ticket's number in the order (1, 2, ...); empty refunds the whole order.
    ticket = IntegerField(validators=[Optional()])
    submit = SubmitField(_l("Refund"))


class InvoicePaidForm(Form):
    submit = SubmitField(_l("Mark the invoice as paid"))


class DisputeDecisionForm(Form):
    """The organizers' choice for the tickets of a disputed order."""

    keep = SubmitField(_l("Keep the tickets valid"))
    cancel = SubmitField(_l("Cancel the tickets"))


class VoucherForm(Form):
    """Make vouchers: a number of them to hand out, or one per confirmed speaker."""

    ticket_type = SelectField(_l("Ticket type"), coerce=int, choices=[], validate_choice=True)
    recipients = RadioField(
        _l("For whom"),
        choices=[
            SelectChoice("count", _l("A number of vouchers that you hand out")),
            SelectChoice("speakers", _l("One for each confirmed speaker, sent by email")),
        ],
        default="count",
    )
    count = CountField(
        _l("Number of vouchers"),
        default=10,
        validators=[Optional(), between(1, 500, _l("Enter a number from 1 to 500."))],
        description=_l("For vouchers that you hand out, e.g. one per partner seat."),
    )
    free = BooleanField(
        _l("Free of charge"),
        default=True,
        description=_l("Untick to sell the ticket at the ticket type's price."),
    )
    note = StringField(
        _l("Note"),
        filters=[strip],
        validators=[Optional(), at_most(200)],
        description=_l("For the organizers: whom they are for, e.g. a partner's name."),
    )
    submit = SubmitField(_l("Make vouchers"))

    def validate(self, extra_validators=None):
        valid = super().validate(extra_validators)
        if self.recipients.data == "count" and self.count.data is None:
            if not self.count.errors:
                self.count.errors.append(_l("Enter a number from 1 to 500."))
            valid = False
        return valid


class RevokeVoucherForm(Form):
    submit = SubmitField(_l("Withdraw"))


class OfferHoursForm(Form):
    offer_hours = CountField(
        _l("Hours an offer holds its seats"),
        validators=[InputRequired(message=_l("Enter a number of hours."))],
        description=_l(
            "When seats come free, the next in line gets a link that holds them this long."
        ),
    )
    submit = SubmitField(_l("Save"))
