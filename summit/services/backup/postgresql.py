"""PostgreSQL backups: pg_dump's custom format, restored with pg_restore (both in the
Debian package postgresql-client, of the server's major version or newer)."""

import os
import re
import shutil
import subprocess
from pathlib import Path

from sqlalchemy import inspect, text
from sqlalchemy.engine import Engine, make_url

from .database import connect, engine_for, revision, table_counts
from .errors import BackupError
from .manifest import Manifest

PACKAGE = "postgresql-client"


def dump(url: str, partial: Path) -> dict:
    """The database at `url` dumped into `partial`; its revision and row counts read in
    the snapshot the dump is made from (an exported snapshot pg_dump takes up), so they
    describe the file exactly however the app writes meanwhile."""
    pg_dump = _tool("pg_dump")
    client = _version(pg_dump)
    engine = engine_for(url)
    try:
        with connect(engine) as conn:
            server = conn.dialect.server_version_info[:2]
            if client[0] < server[0]:
                raise BackupError(
                    f"pg_dump {_dotted(client)} is older than the server "
                    f"({_dotted(server)}) and cannot dump it: install {PACKAGE}-{server[0]} "
                    "(or newer) and put it first on PATH"
                )
            conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            with conn.begin():
                snapshot = conn.execute(text("SELECT pg_export_snapshot()")).scalar_one()
                made = {"revision": revision(conn), "tables": table_counts(conn)}
                with partial.open("wb") as out:
                    _run(
                        pg_dump,
                        "--format=custom",
                        "--no-password",
                        f"--snapshot={snapshot}",
                        url=url,
                        stdout=out,
                    )
    finally:
        engine.dispose()
    return {**made, "made_by": f"pg_dump {_dotted(client)}"}


def check(path: Path, manifest: Manifest) -> None:
    """pg_restore reads the whole archive (into nothing): its table of contents has
    data for every table the manifest counts, and every block of it can be read."""
    pg_restore = _tool("pg_restore")
    listing = _run(pg_restore, "--list", str(path), damaged=path)
    with_data = set(re.findall(r"^\d+; \d+ \d+ TABLE DATA \S+ (\S+) ", listing, re.MULTILINE))
    missing = sorted(set(manifest.tables) - with_data)
    if missing:
        raise BackupError(f"{path} has no data for {', '.join(missing)}: not a whole backup")
    _run(pg_restore, f"--file={os.devnull}", str(path), damaged=path)


def restore(path: Path, url: str, engine: Engine, wipe: bool) -> None:
    """pg_restore in one transaction, owned by whoever connects (no roles of the
    source's needed); `wipe` first drops everything in the target's schema."""
    pg_restore = _tool("pg_restore")
    if wipe:
        _drop_everything(engine)
    try:
        _run(
            pg_restore,
            "--no-owner",
            "--no-acl",
            "--single-transaction",
            "--exit-on-error",
            "--no-password",
            str(path),
            url=url,
        )
    except BackupError as error:
        if wipe:
            raise BackupError(f"{error} (--force had emptied the target)") from None
        raise
    with connect(engine) as conn, conn.begin():
        conn.execute(text("ANALYZE"))  # the planner's statistics, which a dump has not


def _drop_everything(engine: Engine) -> None:
    """Every view, table, sequence and type of the target's schema dropped, in one
    transaction (the schema itself, its owner and grants stay)."""
    with connect(engine) as conn, conn.begin():
        found = inspect(conn)
        quote = conn.dialect.identifier_preparer.quote
        drops = [
            *(("MATERIALIZED VIEW", name) for name in found.get_materialized_view_names()),
            *(("VIEW", name) for name in found.get_view_names()),
            *(("TABLE", name) for name in found.get_table_names()),
            *(("SEQUENCE", name) for name in found.get_sequence_names()),
            *(("TYPE", enum["name"]) for enum in found.get_enums()),
            *(("DOMAIN", domain["name"]) for domain in found.get_domains()),
        ]
        for kind, name in drops:
            conn.execute(text(f"DROP {kind} IF EXISTS {quote(name)} CASCADE"))


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        raise BackupError(f"{name} is not installed: install the Debian package {PACKAGE}")
    return found


def _version(program: str) -> tuple[int, int]:
    said = _run(program, "--version")
    found = re.search(r"\)\s*(\d+)(?:\.(\d+))?", said)
    if found is None:
        raise BackupError(f"cannot tell the version of {program} from {said.strip()!r}")
    return int(found[1]), int(found[2] or 0)


def _dotted(version: tuple[int, ...]) -> str:
    return ".".join(map(str, version))


def _run(
    program: str, *args: str, url: str | None = None, stdout=None, damaged: Path | None = None
) -> str:
    """`program` run to its end; what it wrote (if not to `stdout`), or BackupError with
    its error (saying the file `damaged` cannot be read, if given). The password travels
    in the environment, never on a command line."""
    env, options = dict(os.environ), []
    if url is not None:
        parsed = make_url(url)
        if parsed.password:
            env["PGPASSWORD"] = parsed.password
        libpq = parsed.set(drivername="postgresql", password=None)
        options.append(f"--dbname={libpq.render_as_string(hide_password=False)}")
    command = [program, *options, *args]
    done = subprocess.run(  # noqa: S603 (our own tool, found on PATH; no shell)
        command,
        stdout=stdout if stdout is not None else subprocess.PIPE,
        stderr=subprocess.PIPE,
        env=env,
        check=False,
    )
    if done.returncode != 0:
        if damaged is not None:
            raise BackupError(
                f"{Path(program).name} cannot read {damaged}, damaged or not a backup: "
                f"{_reason(done.stderr)}"
            )
        raise BackupError(f"{Path(program).name} failed: {_reason(done.stderr)}")
    return done.stdout.decode() if stdout is None else ""


def _reason(stderr: bytes) -> str:
    """The line of a PostgreSQL tool's output that says what went wrong."""
    lines = [line.strip() for line in stderr.decode(errors="replace").splitlines() if line]
    said = next((line for line in lines if "error:" in line), lines[-1] if lines else "")
    return re.sub(r"^\S+: error: ", "", said) or "no reason given"
