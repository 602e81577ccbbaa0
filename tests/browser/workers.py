"""A real background worker for a browser journey: `tests.jobs.slow_worker` in a subprocess on
the database the live server serves, files on disk for both, its jobs paced by ``pauses`` (the
environment's PROGRESS_PAUSE, PHASE_PAUSE) so the browser sees them move.

``paced_worker`` runs one for the whole journey; ``Workers`` lets a journey stop it mid-way and
start another, as a machine's service is stopped and started.

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


def worker_environment(settings: Any, tmp_path: Path, **pauses: str) -> dict[str, str]:
    """What a worker subprocess runs with; the live server's files put on disk beside it."""
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
    return {
        "PATH": "/usr/bin:/bin",
        "HOME": str(tmp_path),
        "MEDIA_ROOT": str(media),
        "DATABASE_URL": (
            f"postgres://{db['USER']}@{db['HOST'] or '127.0.0.1'}:{db['PORT'] or 5432}/{db['NAME']}"
        ),
        **pauses,
    }


def start_worker(env: dict[str, str]) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "tests.jobs.slow_worker", "--interval", "0.2"],
        cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )  # fmt: skip


def stopped(process: subprocess.Popen, *, at_once: bool = False) -> str:
    """Stop the worker (SIGTERM: it finishes its task first; ``at_once``: SIGKILL, as a power
    cut or a service manager's stop past its timeout) and reap it; its log."""
    process.send_signal(signal.SIGKILL if at_once else signal.SIGTERM)
    output, _ = process.communicate(timeout=60)  # reaped: its process id is gone
    print(output[-5000:])
    return output


def paced_worker(settings: Any, tmp_path: Path, **pauses: str) -> Iterator[subprocess.Popen]:
    """The worker's process while the journey runs (a fixture's ``yield from``); stopped after
    it, its log printed (shown when the journey fails) and its exit checked."""
    process = start_worker(worker_environment(settings, tmp_path, **pauses))
    try:
        yield process
    finally:
        output = stopped(process)
        assert process.returncode == 0, output[-3000:]


class Workers:
    """One worker at a time, stopped and started again by the journey."""

    def __init__(self, env: dict[str, str]) -> None:
        self.env = env
        self.process: subprocess.Popen | None = None
        self.logs: list[str] = []

    def start(self) -> None:
        assert self.process is None, "a worker is running already"
        self.process = start_worker(self.env)

    def kill(self) -> None:
        assert self.process is not None, "no worker is running"
        self.logs.append(stopped(self.process, at_once=True))
        self.process = None

    def close(self) -> None:
        if self.process is not None:
            process, self.process = self.process, None
            output = stopped(process)
            assert process.returncode == 0, output[-3000:]


def restartable_workers(settings: Any, tmp_path: Path, **pauses: str) -> Iterator[Workers]:
    """``Workers`` for a journey (a fixture's ``yield from``), one started; the last stopped
    after it."""
    workers = Workers(worker_environment(settings, tmp_path, **pauses))
    workers.start()
    try:
        yield workers
    finally:
        workers.close()
