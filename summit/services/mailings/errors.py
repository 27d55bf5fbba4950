"""Why a mailing cannot be saved or sent, in words a view can show."""

from flask_babel import gettext as _

from ..refusal import Refusal


class MailingError(Refusal):
    messages = {
        "unknown_field": lambda p: _(
            "%(name)s is not a field you can use. Use one of: %(names)s.", **p
        ),
        "no_group": lambda p: _(
            "Choose who gets the mail: attendees, speakers, the waiting list, or several."
        ),
        "unknown_choice": lambda p: _("Choose one of the options."),
        "not_editable": lambda p: _(
            "This mailing has been sent and can no longer be changed. Copy its text into a new one."
        ),
        "already_sent": lambda p: _(
            "This mailing is already sent or being sent. To send it again, choose who "
            "gets it under Send again."
        ),
        "not_sent": lambda p: _("Only a sent mailing can be sent again."),
        "not_scheduled": lambda p: _("This mailing is not scheduled."),
        "in_the_past": lambda p: _("Choose a time that has not passed, or send now."),
        "confirm": lambda p: _("Tick the box to confirm that everyone gets it again."),
        "reason_needed": lambda p: _(
            "Say why the mail is essential (e.g. the venue has changed): essential mail "
            "also reaches those who unsubscribed."
        ),
    }
