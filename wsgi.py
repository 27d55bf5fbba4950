"""The WSGI app for gunicorn and the flask command (FLASK_APP=wsgi.py)."""

import sys

from summit import create_app
from summit.config import ConfigError

# gunicorn's "app failed to load": its master stops with this status instead of starting
# the process again and again (an exit status of 1 would be taken for a crash and retried).
APP_LOAD_ERROR = 4

try:
    app = create_app()
except ConfigError as refusal:
    # One line for each thing to set, and no traceback: the operator's next step.
    print(f"summit will not start:\n{refusal}", file=sys.stderr)
    sys.exit(APP_LOAD_ERROR)
