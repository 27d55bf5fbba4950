"""Is this process fit to take requests? What a load balancer asks (/readyz).

Ready: the database answers, and its schema is at the migrations' head (a node started
before `flask db upgrade`, or after a newer node upgraded, must not take traffic).
Redis is reported but does not make a node unready: without it each process counts
rate limits in its own memory (services/attempts.py, Flask-Limiter's fallback), and a
load balancer taking every node out because Redis is down would close the door and the
shop over the one outage the app is built to outlive.
"""

import ast
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from flask import current_app
from sqlalchemy import inspect, text

from ..extensions import db, limiter

MIGRATIONS = Path(__file__).resolve().parents[2] / "migrations"


@dataclass
class Readiness:
    checks: dict[str, str] = field(default_factory=dict)
    ready: bool = True

    def failed(self, name: str, why: str) -> None:
        self.checks[name], self.ready = why, False


@cache
def migration_heads() -> frozenset[str]:
    """The revisions the code expects (read once: they change only with the code): the
    revisions no other migration names as its down_revision. Read from the files'
    `revision = ...` lines, not through Alembic, which would cost every web process
    10 MB for this one set (tests/unit/test_migrations.py checks it against Alembic's)."""
    revisions, parents = set(), set()
    for path in (MIGRATIONS / "versions").glob("*.py"):
        for node in ast.parse(path.read_text(encoding="utf-8")).body:
            if isinstance(node, ast.Assign) and isinstance(node.value, ast.Constant | ast.Tuple):
                names = {t.id for t in node.targets if isinstance(t, ast.Name)}
                value = ast.literal_eval(node.value)
                if "revision" in names:
                    revisions.add(value)
                elif "down_revision" in names and value:
                    parents.update(value if isinstance(value, tuple) else (value,))
    return frozenset(revisions - parents)


def readiness() -> Readiness:
    state = Readiness()
    try:
        with db.engine.connect() as conn:
            current = set()
            if inspect(conn).has_table("alembic_version"):
                versions = conn.execute(text("SELECT version_num FROM alembic_version"))
                current = set(versions.scalars())
    except Exception as error:  # noqa: BLE001  (down, refused, timed out: not ready)
        state.failed("database", f"unreachable: {type(error).__name__}")
        state.checks["migrations"] = "unknown"
    else:
        state.checks["database"] = "ok"
        if current == migration_heads():
            state.checks["migrations"] = "ok"
        else:
            behind = ", ".join(sorted(current)) or "none"
            state.failed("migrations", f"at {behind}, code expects {', '.join(migration_heads())}")
    state.checks["redis"] = _redis()
    return state


def _redis() -> str:
    uri = str(current_app.config.get("RATELIMIT_STORAGE_URI", ""))
    if not uri.startswith(("redis://", "rediss://")):
        return "not configured"
    try:
        up = limiter.storage.check()
    except Exception:  # noqa: BLE001
        up = False
    return "ok" if up else "unreachable: rate limits are counted per process"
