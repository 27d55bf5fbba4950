"""Commands run from the shell, as an operator runs them: a fresh `flask` process with the
database and settings in its environment (`flask`), or the same command run in this
process on an app of its own (`db_command`: a fresh interpreter takes seconds)."""

import contextlib
import logging
import os
import subprocess
import sys
from pathlib import Path
from types import SimpleNamespace

from summit import create_app

ROOT = Path(__file__).resolve().parents[1]
FLASK = str(Path(sys.executable).with_name("flask"))
SECRET_KEY = "shell-test-secret-key-long-enough"


def flask(database_url: str, *args: str, **env: str) -> subprocess.CompletedProcess:
    """`flask ARGS` in the repository with DATABASE_URL (and `env`) set; output as text."""
    env = dict(
        os.environ,
        FLASK_APP="wsgi.py",
        DATABASE_URL=database_url,
        SECRET_KEY=SECRET_KEY,
        **env,
    )
    return subprocess.run(
        [FLASK, *args], cwd=ROOT, env=env, capture_output=True, text=True, timeout=300
    )


@contextlib.contextmanager
def logging_kept():
    """Alembic's env.py configures logging from alembic.ini (as a command run from the
    shell should): in this process, the test run's loggers are put back afterwards."""
    manager = logging.root.manager
    kept = {
        logger: (logger.level, logger.disabled, logger.propagate, list(logger.handlers))
        for logger in [logging.root, *manager.loggerDict.values()]
        if isinstance(logger, logging.Logger)
    }
    try:
        yield
    finally:
        for logger in [logging.root, *manager.loggerDict.values()]:
            if isinstance(logger, logging.Logger) and logger not in kept:
                logger.disabled = False
        for logger, (level, disabled, propagate, handlers) in kept.items():
            logger.setLevel(level)
            logger.disabled, logger.propagate, logger.handlers = disabled, propagate, handlers


def db_command(database_url: str, *args: str) -> SimpleNamespace:
    """`flask db <args>` on `database_url`, the command itself run in this process."""
    url = database_url.replace("postgresql://", "postgresql+psycopg://", 1)
    # TESTING: the app has the `db` commands, as under the `flask` command.
    app = create_app({"SQLALCHEMY_DATABASE_URI": url, "SECRET_KEY": SECRET_KEY, "TESTING": True})
    with app.app_context(), logging_kept():  # its own context: a test may have one open
        result = app.test_cli_runner().invoke(args=["db", *args])
    with app.app_context():
        app.extensions["sqlalchemy"].engine.dispose()
    stderr = repr(result.exception) if result.exception else result.output
    return SimpleNamespace(returncode=result.exit_code, stdout=result.output, stderr=stderr)
