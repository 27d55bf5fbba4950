"""tests/pg: concurrency on PostgreSQL, with real threads on real connections.

Every test here is marked `pg` and skipped unless the session database (the
`database_url` fixture: TEST_DATABASE_URL) is PostgreSQL.
"""

from pathlib import Path

import pytest

HERE = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    for item in items:
        if item.path.is_relative_to(HERE):
            item.add_marker(pytest.mark.pg)


@pytest.fixture(autouse=True)
def _postgresql_only(database_url):
    if not database_url.startswith("postgresql"):
        pytest.skip("needs PostgreSQL: set TEST_DATABASE_URL=postgresql://...")
