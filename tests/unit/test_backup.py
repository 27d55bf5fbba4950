"""`flask backup` on SQLite: the demo backed up from the shell while the app has the
database open, restored into a new file and found the same; a file with tables is not
overwritten without --force; damaged backups are refused (tests/backups.py). The same
on PostgreSQL is tests/pg/test_backup.py."""

import pytest

from tests.backups import BackupTests
from tests.conftest import PG_URL


@pytest.fixture
def new_database(tmp_path):
    numbers = iter(range(1, 1000))
    return lambda: f"sqlite:///{tmp_path / f'restored{next(numbers)}.db'}"


@pytest.mark.skipif(bool(PG_URL), reason="the suite is on PostgreSQL: tests/pg/test_backup.py")
class TestOnSQLite(BackupTests):
    unreadable = "SQLite"
    # Its last page (bytes cut inside a page can be a row's contents, which only the
    # manifest's checksum tells from what they were).
    tail = 4096
