"""A mark for storage-backed tests that check no storage behaviour: they run on SQLite only."""

from __future__ import annotations

import pytest

# The engine logic such a test checks (permissions, validation, wiring, the concept graph)
# is the same on every backend; the tests that do exercise storage still run on both.
SQLITE_ONLY = pytest.mark.parametrize("migrated_database_url", ["sqlite"], indirect=True)
