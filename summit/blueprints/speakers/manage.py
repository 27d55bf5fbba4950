"""Routes of the speakers blueprint (see __init__.py)."""

from . import bp  # noqa: F401
