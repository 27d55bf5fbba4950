"""The WSGI app for gunicorn and the flask command (FLASK_APP=wsgi.py)."""

import sys

from summit import create_app
from summit.config import ConfigError

try:
    app = create_app()
except ConfigError as refusal:
    # One line for each thing to set, and no traceback: the operator's next step.
    sys.exit(f"summit will not start:\n{refusal}")
