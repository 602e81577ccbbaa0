"""Many requests at the same moment, each from its own thread and database connection.

The concurrency tests run on PostgreSQL (the production database): its row locks and unique
indexes are what is under test. The suite's SQLite database lives in memory, where threads
share one connection, so those tests skip there (`on_postgresql`).
"""

import threading
from collections.abc import Callable
from typing import TypeVar

import pytest
from django.db import connection

T = TypeVar("T")


def on_postgresql() -> None:
    if connection.vendor != "postgresql":
        pytest.skip("concurrency is tested on PostgreSQL, the production database")


def at_once(jobs: list[Callable[[], T]], *, timeout: float = 120) -> list[T]:
    """Run every job in its own thread, all released together; their results, in order."""
    start = threading.Barrier(len(jobs))
    results: dict[int, T] = {}
    failures: dict[int, BaseException] = {}

    def run(index: int, job: Callable[[], T]) -> None:
        try:
            start.wait()
            results[index] = job()
        except BaseException as error:  # reported to the test below, not lost in the thread
            failures[index] = error
        finally:
            connection.close()

    threads = [threading.Thread(target=run, args=pair) for pair in enumerate(jobs)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=timeout)
    if failures:
        raise next(iter(failures.values()))
    assert len(results) == len(jobs), "a request did not finish in time"
    return [results[index] for index in range(len(jobs))]
