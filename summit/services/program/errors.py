"""Why a change to the program was refused, in words a view can show."""

from flask_babel import gettext as _


class ProgramError(ValueError):
    """A refused change; nothing was stored. `reason` names the rule, `field` the form
    field it is about (None: the whole form), `message` is the text to show."""

    def __init__(self, reason: str, field: str | None = None, **params):
        super().__init__(f"{field}: {reason}" if field else reason)
        self.reason, self.field, self.params = reason, field, params

    @property
    def message(self) -> str:
        text = _MESSAGES.get(self.reason)
        return text(self.params) if text else self.reason


class StaleEdit(ProgramError):
    """The edit was made on an older version of the session: someone changed it since."""

    def __init__(self, **params):
        super().__init__("stale", None, **params)


class Full(ProgramError):
    """No place left in a session with limited places."""

    def __init__(self):
        super().__init__("full")


_MESSAGES = {
    "required": lambda p: _("This field is required."),
    "too_long": lambda p: _("At most %(n)d characters.", n=p["n"]),
    "range": lambda p: _("Enter a number from %(low)d to %(high)d.", low=p["low"], high=p["high"]),
    "invalid_choice": lambda p: _("Choose one of the options."),
    "invalid_email": lambda p: _("Enter a valid email address."),
    "unknown_room": lambda p: _("Choose one of this event's rooms."),
    "outside_days": lambda p: _("The session must start and end within one of the program's days."),
    "no_days": lambda p: _("Add the program's days before placing sessions."),
    "not_on_grid": lambda p: _("Times are set in steps of 5 minutes."),
    "end_before_start": lambda p: _("The end must be after the start."),
    "overlapping_day": lambda p: _("This day is already in the program."),
    "day_outside_event": lambda p: _("The day must be one of the event's days."),
    "name_taken": lambda p: _("A room with this name already exists."),
    "stale": lambda p: _(
        "Someone else changed this session while you were editing it. "
        "Nothing was saved: reload to see the current version and try again."
    ),
    "full": lambda p: _("All places are taken."),
    "no_ticket": lambda p: _("Signing up needs a valid ticket to the event."),
    "no_signups": lambda p: _("This session does not take sign-ups."),
    "not_published": lambda p: _("This session is not in the published program."),
    "nothing_to_publish": lambda p: _("The program has no scheduled sessions to publish."),
    "unconfirmed_conflicts": lambda p: _(
        "The program has %(n)d conflicts. Confirm that you want to publish it anyway.",
        n=p.get("n", 0),
    ),
}
