"""The program: rooms, days and hand-made sessions (setup), placing sessions in a room
and a time (scheduling), what clashes (conflicts), publishing numbered releases and
their changelog (releases, snapshot), the published program as the public sees it
(published), workshop sign-ups (signups), personal agendas (agenda) and the exports
(ical, frab).

Every function that changes data validates first and raises a ProgramError (a
ValueError) with nothing stored when the input or the state does not allow the change.
"""

from .errors import Full, ProgramError, StaleEdit

__all__ = ["Full", "ProgramError", "StaleEdit"]
