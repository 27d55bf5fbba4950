"""The accounts the bookkeeping export books on: BAS's by default, the organizer's where
they chose others.

An event keeps its choices by role (Event.ledger_accounts, e.g. {"bank": "1932"}); a
role it has not chosen takes the BAS 2014 account below. A ticket type or add-on may
have a sales account of its own (sales_account); without one its sales go to the
event's sales account for its VAT rate, and so do the lines that sold no ticket type or
add-on (a discount, a fee kept, an adjustment on a credit note).
"""

import re
from dataclasses import dataclass

from flask_babel import gettext as _
from flask_babel import lazy_gettext as _l
from sqlalchemy import select

from ...database import unit_of_work
from ...extensions import db
from ...models import Addon, Event, TicketType
from ..refusal import Refusal

ACCOUNT_RE = re.compile(r"[1-8][0-9]{3}")


@dataclass(frozen=True)
class Role:
    """What an account is for: its BAS default, its name in the chart of accounts, the
    classes (first digit) an account for it may be in, and its label on the page."""

    key: str
    default: str
    bas_name: str
    classes: str
    label: object


# Sales are services (a conference ticket, a dinner, a study visit): BAS's 304x, one
# account per VAT rate. 0 %: 3044 "momsfri". Goods would be 300x: an organizer who
# sells goods chooses those.
SALES = {
    25: Role("sales_25", "3041", "Försäljning tjänster inom Sverige, 25 % moms", "3", _l("25 %")),
    12: Role("sales_12", "3042", "Försäljning tjänster inom Sverige, 12 % moms", "3", _l("12 %")),
    6: Role("sales_6", "3043", "Försäljning tjänster inom Sverige, 6 % moms", "3", _l("6 %")),
    0: Role("sales_0", "3044", "Försäljning tjänster inom Sverige, momsfri", "3", _l("0 %")),
}
OUTPUT_VAT = {
    25: Role("vat_25", "2611", "Utgående moms på försäljning inom Sverige, 25 %", "2", _l("25 %")),
    12: Role("vat_12", "2621", "Utgående moms på försäljning inom Sverige, 12 %", "2", _l("12 %")),
    6: Role("vat_6", "2631", "Utgående moms på försäljning inom Sverige, 6 %", "2", _l("6 %")),
}
MONEY = (
    Role("receivables", "1510", "Kundfordringar", "1", _l("Receivables (invoices)")),
    Role("bank", "1930", "Företagskonto/checkkonto/affärskonto", "1", _l("Bank (invoices paid)")),
    # Card and Swish money is Stripe's until its payout reaches the bank: a claim on
    # the card company, which is what BAS 1580 is for. The payout (bank 1930 against
    # 1580, Stripe's fee on 6570) is booked from Stripe's payout report, which summit
    # does not see.
    Role(
        "card_clearing",
        "1580",
        "Fordringar för kontokort och kuponger",
        "1",
        _l("Card payments (Stripe, until paid out)"),
    ),
    # Money paid that bought nothing (paid twice, paid on a checkout the buyer had
    # left): owed back to the buyer until it is given back.
    Role("advances", "2420", "Förskott från kunder", "2", _l("Paid twice, to be given back")),
    Role("rounding", "3740", "Öres- och kronutjämning", "345678", _l("Rounding (öresavrundning)")),
)
ROLES = {role.key: role for role in (*SALES.values(), *OUTPUT_VAT.values(), *MONEY)}
# The names #KONTO gives the accounts: BAS's, for the defaults and the accounts an
# organizer is likely to choose instead; any other account is named for what it books.
BAS_NAMES = {
    **{role.default: role.bas_name for role in ROLES.values()},
    "3001": "Försäljning inom Sverige, 25 % moms",
    "3002": "Försäljning inom Sverige, 12 % moms",
    "3003": "Försäljning inom Sverige, 6 % moms",
    "3004": "Försäljning inom Sverige, momsfri",
    "1920": "PlusGiro",
    "1940": "Övriga bankkonton",
}

# The class (first digit) an account is in, as SIE's #KTYP says it: T tillgång (asset),
# S skuld (liability or equity), I intäkt (income), K kostnad (cost).
ACCOUNT_TYPES = {"1": "T", "2": "S", "3": "I"}


def account_type(account: str) -> str:
    return ACCOUNT_TYPES.get(account[0], "K")


class BookkeepingError(Refusal):
    messages = {
        "account": lambda p: _("Enter an account of four digits, e.g. 3041."),
        "account_class": lambda p: _(
            "This account must be in class %(classes)s of the chart (its first digit).",
            classes=p["classes"],
        ),
        "vat_rate": lambda p: _(
            "There is no account for %(percent)s %% VAT.", percent=p["percent"]
        ),
        "period_order": lambda p: _("The last day cannot be before the first."),
        "period_long": lambda p: _("At most two years at a time."),
        "unclear_sale": lambda p: _(
            "Order %(reference)s: its payment does not match what it bought. Look at "
            "the order before booking it.",
            reference=p["reference"],
        ),
        "refund_exceeds_sale": lambda p: _(
            "Order %(reference)s: more was refunded than it sold.", reference=p["reference"]
        ),
        "document_sums": lambda p: _(
            "Invoice %(number)s: its lines do not add up to its sums.", number=p["number"]
        ),
    }


@dataclass(frozen=True)
class Accounts:
    """An event's accounts by role: BAS's where the organizer chose none."""

    chosen: dict[str, str]

    def __getitem__(self, key: str) -> str:
        return self.chosen.get(key) or ROLES[key].default

    def sales(self, percent: int, own: str | None = None) -> str:
        """Where a sale at `percent` VAT is booked: the item's own account, else the
        event's for the rate."""
        if own:
            return own
        if percent not in SALES:
            raise BookkeepingError(
                "vat_rate", percent=percent, detail=f"no account: {percent} % VAT"
            )
        return self[SALES[percent].key]

    def vat(self, percent: int) -> str:
        if percent not in OUTPUT_VAT:
            raise BookkeepingError(
                "vat_rate", percent=percent, detail=f"no account: {percent} % VAT"
            )
        return self[OUTPUT_VAT[percent].key]


def accounts_of(event: Event) -> Accounts:
    stored = event.ledger_accounts if isinstance(event.ledger_accounts, dict) else {}
    return Accounts(
        {
            key: value
            for key, value in stored.items()
            if key in ROLES and isinstance(value, str) and ACCOUNT_RE.fullmatch(value)
        }
    )


def clean_account(value: str | None, field: str, classes: str) -> str | None:
    """A typed account as stored: four digits in one of `classes`, or None for empty."""
    text = (value or "").strip()
    if not text:
        return None
    if not ACCOUNT_RE.fullmatch(text):
        raise BookkeepingError("account", field)
    if text[0] not in classes:
        raise BookkeepingError("account_class", field, classes="/".join(classes))
    return text


def item_field(item: TicketType | Addon) -> str:
    """The form field of a ticket type's or add-on's own sales account."""
    kind = "ticket_type" if isinstance(item, TicketType) else "addon"
    return f"{kind}_{item.id}"


def save_accounts(
    event: Event, roles: dict[str, str | None], items: dict[TicketType | Addon, str | None]
) -> None:
    """Store the event's accounts by role and the ticket types' and add-ons' own sales
    accounts (empty: BAS's, or the event's for the VAT rate). Every account is checked
    before anything is written: a refusal names the field and changes nothing."""
    chosen = {}
    for key, value in roles.items():
        role = ROLES[key]
        account = clean_account(value, key, role.classes)
        if account is not None and account != role.default:
            chosen[key] = account
    own = {item: clean_account(value, item_field(item), "3") for item, value in items.items()}
    with unit_of_work():
        event.ledger_accounts = chosen
        for item, account in own.items():
            item.sales_account = account


def sale_items(event: Event) -> list[TicketType | Addon]:
    """What the event sells, each with its own sales account or none: the ticket types,
    then the add-ons, in their order on the shop."""
    ticket_types = db.session.scalars(
        select(TicketType)
        .where(TicketType.event_id == event.id)
        .order_by(TicketType.position, TicketType.id)
    )
    addons = db.session.scalars(
        select(Addon).where(Addon.event_id == event.id).order_by(Addon.position, Addon.id)
    )
    return [*ticket_types, *addons]
