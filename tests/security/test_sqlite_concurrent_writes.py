"""SQLite, the embedded default, under simultaneous writes: no request answers 500.

Eight clerks press 保存 four times and then 报送, each at the same moment (40 requests, each a batch of
the unit's reports plus a session write) against a file database with the production
settings (WAL, BEGIN IMMEDIATE, a busy timeout). Before those settings, 28 of 40 such
requests answered 500 "database is locked".
"""

import json
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connection

from tests.prebuilt import DATABASES
from tests.security import sqlite_clerks

# slow: a subprocess migrates a file database and eight clerks write to it at once
pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]


def test_eight_clerks_saving_at_once_on_sqlite_get_no_server_error(tmp_path):
    if connection.vendor != "sqlite":
        pytest.skip("the SQLite settings are what is under test")
    county = tmp_path / "county.sqlite3"
    DATABASES.write_migrated(str(county))  # the subprocess's migrate finds nothing to do
    run = subprocess.run(
        [sys.executable, "-m", "tests.security.sqlite_clerks", str(county)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "ALLOWED_HOSTS": "testserver"},
    )
    assert run.returncode == 0, run.stderr[-3000:]
    result = json.loads(run.stdout.strip().splitlines()[-1])
    assert result["errors"] == []
    assert result["journal_mode"] == "wal"
    assert len(result["statuses"]) == sqlite_clerks.CLERKS * sqlite_clerks.ROUNDS
    assert set(result["statuses"]) <= {200, 302}, result["statuses"]  # saved or refused, no 500
    assert result["reports"] == result["plans"] == 40  # every report written once
