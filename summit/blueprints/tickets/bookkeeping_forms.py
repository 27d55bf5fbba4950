"""Forms of the bookkeeping page: the period of an SIE export (sent by GET: a download
is a link that can be shared and opened again), and the accounts it books on."""

from flask_babel import lazy_gettext as _l
from wtforms import DateField, StringField, SubmitField
from wtforms.validators import InputRequired, ValidationError

from ...forms import Form, PlainForm, plausible_year, strip
from ...models import Addon, TicketType
from ...services.bookkeeping.accounts import (
    ROLES,
    SALES,
    BookkeepingError,
    accounts_of,
    clean_account,
    item_field,
)

_DAY = _l("Enter a date, e.g. 2027-05-18.")


class PeriodForm(PlainForm):
    first = DateField(
        _l("From"),
        validators=[InputRequired(message=_DAY), plausible_year],
        description=_l("The first day, included."),
    )
    last = DateField(
        _l("To"),
        validators=[InputRequired(message=_DAY), plausible_year],
        description=_l("The last day, included."),
    )


def _account_in(classes: str):
    """Four digits in one of `classes` (empty: the default), as the service checks it."""

    def check(_form, field):
        try:
            field.data = clean_account(field.data, field.name, classes)
        except BookkeepingError as refused:
            raise ValidationError(refused.message) from None

    return check


def _account_field(label, default: str, classes: str) -> StringField:
    return StringField(
        label,
        filters=[strip],
        validators=[_account_in(classes)],
        render_kw={
            "placeholder": default,
            "inputmode": "numeric",
            "maxlength": 4,
            "autocomplete": "off",
            "class": "account",
        },
    )


def accounts_form(event, items: list[TicketType | Addon]) -> Form:
    """The event's accounts by role, and each ticket type's and add-on's own sales
    account (its placeholder: the event's account for its VAT rate)."""

    class AccountsForm(Form):
        submit = SubmitField(_l("Save the accounts"))

    chosen = accounts_of(event)
    for key, role in ROLES.items():
        setattr(AccountsForm, key, _account_field(role.label, role.default, role.classes))
    for item in items:
        default = chosen[SALES[item.vat_percent].key] if item.vat_percent in SALES else ""
        setattr(AccountsForm, item_field(item), _account_field(item.name, default, "3"))
    form = AccountsForm()
    if not form.is_submitted():
        for key in ROLES:
            form[key].data = event.ledger_accounts.get(key, "") if event.ledger_accounts else ""
        for item in items:
            form[item_field(item)].data = item.sales_account or ""
    return form
