"""The refusals of the personal data pages."""

from flask_babel import gettext as _

from ..refusal import Refusal


class PrivacyError(Refusal):
    messages = {
        "completed": lambda p: _("This request has been completed already."),
        "not_yours": lambda p: _("That is not one of your consents."),
        "withdrawn": lambda p: _("That consent has been withdrawn already."),
        "not_for_event": lambda p: _("This request concerns no one of this event."),
    }
