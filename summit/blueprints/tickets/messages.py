"""What to tell the buyer when a purchase cannot be made."""

from flask_babel import gettext as _
from flask_babel import ngettext

from ...services.ordering import OrderError

MESSAGES = {
    "bad_quantity": lambda p: _("Choose how many tickets you want with the number fields."),
    "unknown_type": lambda p: _("That ticket is not for sale. Please choose again."),
    "not_on_sale": lambda p: _("%(name)s is not on sale right now.", **p),
    "too_many_of_type": lambda p: _("You can buy at most %(n)d of %(name)s in one order.", **p),
    "too_many": lambda p: _("At most %(n)d tickets fit in one order.", **p),
    "nothing_chosen": lambda p: _("Choose at least one ticket."),
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
    "expired": lambda p: _("Your reservation has expired. Please start again."),
    "not_reserved": lambda p: _("This order can no longer be changed."),
    "renewed": lambda p: _("These tickets have already been reserved again."),
    "bad_method": lambda p: _("Choose one of the payment options shown."),
    "invoice_details": lambda p: _("Fill in the invoice details."),
    "bad_attendees": lambda p: _("Fill in one attendee for each ticket."),
}


def order_error_message(error: OrderError) -> str:
    message = MESSAGES.get(error.reason)
    return message(error.params) if message else _("Something is wrong with the order.")
