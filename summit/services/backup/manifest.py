"""A backup's manifest, FILE.json beside it: what the file holds and how to know it whole."""

import json
from dataclasses import dataclass
from pathlib import Path

from .errors import BackupError

FORMAT = "summit-backup/1"
SUFFIXES = {"postgresql": ".dump", "sqlite": ".sqlite3"}  # the backups' files by kind


@dataclass(frozen=True)
class Manifest:
    """What a backup holds, written beside it as FILE.json."""

    kind: str  # "postgresql" (pg_dump's custom format) or "sqlite"
    created_at: str
    database: str  # where it was made from, without a password
    revision: list[str]  # alembic_version's rows
    tables: dict[str, int]  # rows in each table
    made_by: str  # "pg_dump 15.20", "SQLite 3.40.1"
    size: int = 0
    sha256: str = ""
    format: str = FORMAT

    @property
    def rows(self) -> int:
        return sum(self.tables.values())

    @classmethod
    def read(cls, backup: Path) -> "Manifest":
        path = manifest_path(backup)
        if not backup.is_file():
            raise BackupError(f"no backup at {backup}")
        if not path.is_file():
            raise BackupError(
                f"no manifest {path.name} next to {backup}: it is written with the backup "
                "and needed to check it (copy the two together)"
            )
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
            if data.get("format") != FORMAT:
                raise ValueError(f"format {data.get('format')!r}, not {FORMAT}")
            if data.get("kind") not in SUFFIXES:
                raise ValueError(f"kind {data.get('kind')!r}")
            return cls(**data)
        except (ValueError, TypeError) as error:
            raise BackupError(f"{path} is not a summit backup manifest: {error}") from None


def manifest_path(backup: Path) -> Path:
    return backup.with_name(backup.name + ".json")
