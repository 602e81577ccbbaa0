"""A real background worker for a browser journey: `tests.jobs.slow_worker` in a subprocess on
the database the live server serves, files on disk for both, its jobs paced by ``pauses`` (the
environment's PROGRESS_PAUSE, PHASE_PAUSE) so the browser sees them move.

PostgreSQL only: SQLite has one writer, and while a job's one transaction runs every page that
saves its session (each does, for the idle limit) waits for it (docs/architecture.md)."""

import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from django.db import connection

ROOT = Path(__file__).resolve().parents[2]


def paced_worker(settings: Any, tmp_path: Path, **pauses: str) -> Iterator[subprocess.Popen]:
    """The worker's process while the journey runs (a fixture's ``yield from``); stopped after
    it, its log printed (shown when the journey fails) and its exit checked."""
    if connection.vendor != "postgresql":
        pytest.skip("on SQLite the pages wait for the job's transaction: PostgreSQL's journey")
    media = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "default": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": str(media)},
        },
    }
    db = connection.settings_dict
    env = {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "MEDIA_ROOT": str(media),
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        **pauses,
    }
    process = subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.slow_worker", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip
    try:
        yield process
    finally:
        process.send_signal(signal.SIGTERM)
        output, _ = process.communicate(timeout=60)
        print(output[-5000:])
        assert process.returncode == 0, output[-3000:]
