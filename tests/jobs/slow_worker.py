"""``manage.py jobs_worker`` with each progress report of a job slowed by ``PROGRESS_PAUSE``
seconds, and each report of a new phase by ``PHASE_PAUSE`` more, so that a browser watching the
job's page sees it move (a county's import takes a second; a restore reports a few phases).

    python -m tests.jobs.slow_worker [jobs_worker options]
"""

import os
import sys
import time

import django

os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
django.setup()

from django.core.management import call_command  # noqa: E402

from jobs.services import Progress  # noqa: E402

reported = Progress.__call__


def slowed(self: Progress, **figures: object) -> None:
    time.sleep(float(os.environ.get("PROGRESS_PAUSE", "0.5")))
    if figures.get("phase"):
        time.sleep(float(os.environ.get("PHASE_PAUSE", "0")))
    reported(self, **figures)  # type: ignore[arg-type]


Progress.__call__ = slowed  # type: ignore[method-assign]

if __name__ == "__main__":
    call_command("jobs_worker", *sys.argv[1:])
