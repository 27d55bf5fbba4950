"""Why a purchase, an order action or a change to ticketing was refused, in words a
view can show."""

from flask_babel import gettext as _
from flask_babel import ngettext

from ...i18n import format_time, money
from ..refusal import Refusal


class OrderError(Refusal):
    """A purchase, or an action on an order, that cannot be made; nothing was stored.
    The reasons are the buyer's (choosing, reserving, paying) and the organizers' (the
    actions on an order page)."""

    messages = {
        "bad_quantity": lambda p: _("Choose how many tickets you want with the number fields."),
        "unknown_type": lambda p: _("That ticket is not for sale. Please choose again."),
        "not_on_sale": lambda p: _("%(name)s is not on sale right now.", **p),
        "too_many_of_type": lambda p: _("You can buy at most %(n)d of %(name)s in one order.", **p),
        "too_many": lambda p: _("At most %(n)d tickets fit in one order.", **p),
        "nothing_chosen": lambda p: _("Choose at least one ticket."),
        "needs_approval": lambda p: _(
            "%(name)s needs the organizers' approval: apply for it instead.", **p
        ),
        "sold_out": lambda p: (
            _("Only %(left)d left of %(name)s.", **p)
            if p.get("left")
            else _("Sorry, %(name)s is sold out.", **p)
        ),
        "event_sold_out": lambda p: (
            ngettext("Only %(num)d ticket left.", "Only %(num)d tickets left.", p["left"])
            if p.get("left")
            else _("Sorry, the event is sold out.")
        ),
        "unknown_code": lambda p: _("We do not recognise that code. Check it and try again."),
        "code_not_valid": lambda p: _("That code is not valid right now."),
        "code_discount": lambda p: (
            _("The code %(code)s applies to %(names)s.", **p)
            if p["names"]
            else _("The code %(code)s applies to all tickets.", **p)
        ),
        "code_access": lambda p: _("The code shows %(names)s.", **p),
        "code_not_for_these": lambda p: _(
            "The code does not apply to the tickets you chose; it applies to: %(names)s.", **p
        ),
        "code_used_up": lambda p: _("That code has been used as many times as it allows."),
        "code_voucher": lambda p: (
            _("The voucher gives you one %(name)s ticket, free of charge.", **p)
            if p.get("free")
            else _("The voucher gives you one %(name)s ticket.", **p)
        ),
        "voucher_not_chosen": lambda p: _(
            "The voucher is for one %(name)s ticket: choose 1 of %(name)s.", **p
        ),
        "voucher_used": lambda p: _("That voucher has already been used."),
        "voucher_held": lambda p: (
            _(
                "That voucher is in a reservation that has not been paid for. If it is not, "
                "it can be used again after %(time)s.",
                time=format_time(p["until"], "time"),
            )
            if p.get("until")
            else _("That voucher is in an order whose payment is under way.")
        ),
        "too_many_held": lambda p: (
            ngettext(
                "%(num)d ticket is already reserved from your connection and not paid for. At "
                "most %(n)d can be reserved at once: pay for or release those first, or wait "
                "until their reservation ends.",
                "%(num)d tickets are already reserved from your connection and not paid for. "
                "At most %(n)d can be reserved at once: pay for or release those first, or "
                "wait until their reservation ends.",
                p["held"],
                n=p["n"],
            )
            if p.get("held")
            else _(
                "At most %(n)d tickets can be reserved at once from one connection. For more, "
                "please contact the organizers.",
                n=p["n"],
            )
        ),
        "expired": lambda p: _("Your reservation has expired. Please start again."),
        "not_reserved": lambda p: _("This order can no longer be changed."),
        "renewed": lambda p: _("These tickets have already been reserved again."),
        "bad_method": lambda p: _("Choose one of the payment options shown."),
        "below_card_minimum": lambda p: _(
            "Card payment needs at least %(minimum)s in total. Choose invoice instead.",
            minimum=money(p["minimum"]),
        ),
        "paid_meanwhile": lambda p: _(
            "Your earlier payment for this order has gone through, so nothing more is "
            "needed. Your order page shows it."
        ),
        "invoice_details": lambda p: _("Fill in the invoice details."),
        "bad_attendees": lambda p: _("Fill in one attendee for each ticket."),
        # The organizers' actions on an order.
        "nothing_to_refund": lambda p: _(
            "There is no payment left to refund. Orders that are not paid are cancelled instead."
        ),
        "cannot_cancel": lambda p: _(
            "Only orders nobody has paid money for can be cancelled. Paid orders are "
            "refunded instead."
        ),
        "last_ticket": lambda p: _(
            "This is the order's last ticket: cancel the whole order instead."
        ),
        "not_invoiced": lambda p: _("Only an order with an unpaid invoice can be marked paid."),
        "not_confirmed": lambda p: _(
            "The order is not confirmed, so there are no tickets to send."
        ),
        "no_email": lambda p: _("The order has no email address to send to."),
        "not_disputed": lambda p: _("There is no dispute on this order."),
        "dispute_tickets_cancelled": lambda p: _("The tickets are already cancelled."),
        "disputed": lambda p: _(
            "The payment is disputed, so it cannot be refunded now. Wait for the bank's decision."
        ),
    }


class SalesError(Refusal):
    """A rule an organizer's change to ticket types or discount codes breaks; `field`
    names what to correct."""

    messages = {
        "required": lambda p: _("Enter a name."),
        "range": lambda p: _("This value is outside the allowed range."),
        "before_start": lambda p: _("The end must be after the start."),
        "format": lambda p: _(
            "Use 3–64 letters A–Z, digits, hyphens or underscores, e.g. EARLYBIRD."
        ),
        "guessable": lambda p: _(
            "Too easy to guess: use at least 8 characters, and not a word and a year. "
            "Leave it empty for a random code."
        ),
        "guessable_free": lambda p: _(
            "A code that makes tickets free must be hard to guess: use at least 8 "
            "characters, and not a word and a year."
        ),
        "taken": lambda p: _("The event already has this code."),
        "percent_range": lambda p: _("Enter a percentage from 1 to 100."),
        "amount_range": lambda p: _("Enter an amount from 1 to 1 000 000 kronor."),
        "unknown": lambda p: _("Choose among this event's ticket types."),
        "has_tickets": lambda p: _(
            "Tickets of this type exist, so it cannot be deleted. Deactivate it instead."
        ),
        "in_use": lambda p: _(
            "This code has been used, so it cannot be deleted. Deactivate it instead."
        ),
    }


class VoucherError(Refusal):
    """What an organizer asked of vouchers cannot be done; `reason` says why."""

    messages = {
        "unknown_type": lambda p: _("Choose among this event's ticket types."),
        "price": lambda p: _("A voucher's price can be the ticket type's or nothing."),
        "count": lambda p: _("Enter a number from 1 to 500."),
        "used": lambda p: _(
            "The voucher has been used, so it cannot be withdrawn. Cancel or refund the "
            "order instead."
        ),
    }
