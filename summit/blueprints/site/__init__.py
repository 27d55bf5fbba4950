"""Public pages. The logo route lives in its own module, on the same blueprint."""

from . import logo  # noqa: F401  (registers the event logo's route on views.bp)
