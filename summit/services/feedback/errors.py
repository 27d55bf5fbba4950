"""Why a rating was refused, in words a view can show, and the HTTP status it answers."""

from flask_babel import gettext as _

from ..refusal import Refusal


class FeedbackError(Refusal):
    """A refused rating; nothing was stored. `status`: what the page answers."""

    STATUS = {"not_attended": 403, "not_published": 404, "not_started": 409}

    @property
    def status(self) -> int:
        return self.STATUS.get(self.reason, 422)


FeedbackError.messages = {
    "not_attended": lambda p: _(
        "Only attendees who were checked in at the event can rate its sessions."
    ),
    "not_published": lambda p: _("This session is not in the published program."),
    "not_started": lambda p: _("You can rate the session once it has started."),
}
