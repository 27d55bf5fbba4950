"""Why a change to the program was refused, in words a view can show."""

from flask_babel import gettext as _

from ..refusal import Refusal


class ProgramError(Refusal):
    """A refused change; nothing was stored. `reason` names the rule, `field` the form
    field it is about (None: the whole form), `message` is the text to show."""


class StaleEdit(ProgramError):
    """The edit was made on an older version of the session: someone changed it since."""

    def __init__(self, **params):
        super().__init__("stale", None, **params)


class Full(ProgramError):
    """No place left in a session with limited places."""

    def __init__(self):
        super().__init__("full")


_MESSAGES = {
    "unknown_room": lambda p: _("Choose one of this event's rooms."),
    "outside_days": lambda p: _("The session must start and end within one of the program's days."),
    "no_days": lambda p: _("Add the program's days before placing sessions."),
    "not_on_grid": lambda p: _("Times are set in steps of 5 minutes."),
    "invalid_time": lambda p: _("Enter a valid date and time."),
    "end_before_start": lambda p: _("The end must be after the start."),
    "overlapping_day": lambda p: _("This day is already in the program."),
    "day_outside_event": lambda p: _("The day must be one of the event's days."),
    "name_taken": lambda p: _("A room with this name already exists."),
    # Setup: rooms, days, sessions made by hand, speakers' availability.
    "room_in_use": lambda p: _(
        "Sessions are scheduled in this room (%(n)d). Move them to another room or take "
        "them off the schedule first.",
        n=p.get("n", 0),
    ),
    "day_has_sessions": lambda p: _(
        "Sessions are scheduled on this day (%(n)d). Move them to another day or take "
        "them off the schedule first.",
        n=p.get("n", 0),
    ),
    "nonexistent_time": lambda p: _(
        "This time does not exist on that day (the clocks are put forward). Choose another."
    ),
    "unknown_track": lambda p: _("Choose one of this event's tracks."),
    "pause_no_speakers": lambda p: _("Breaks and lunch have no speakers."),
    "pause_no_signups": lambda p: _("Breaks and lunch do not take sign-ups."),
    "too_many_speakers": lambda p: _("At most %(n)d speakers.", n=p.get("n", 0)),
    "from_proposal": lambda p: _(
        "This session comes from a confirmed proposal and cannot be removed here: "
        "take it off the schedule instead."
    ),
    "has_signups": lambda p: _(
        "Attendees have signed up for this session (%(n)d). Cancel their sign-ups first.",
        n=p.get("n", 0),
    ),
    "not_a_speaker": lambda p: _(
        "Only speakers in the program of this event can state when they can speak."
    ),
    "not_a_program_day": lambda p: _("Choose one of the program's days."),
    "period_outside_day": lambda p: _(
        "On %(day)s the program runs %(start)s–%(end)s: choose times within them.",
        day=p.get("day", ""),
        start=p.get("start", ""),
        end=p.get("end", ""),
    ),
    "periods_overlap": lambda p: _("Two of the times overlap. Join them into one."),
    "too_many_periods": lambda p: _("At most %(n)d periods.", n=p.get("n", 0)),
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

ProgramError.messages = _MESSAGES
