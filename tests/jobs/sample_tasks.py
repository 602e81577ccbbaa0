"""A job for the worker's tests: it counts ``rows`` rows, a unit written for each, all in one
transaction (as the ledger import writes), reporting its progress as it goes."""

import time
from typing import Any

from django.db import transaction
from django_tasks import task

from jobs.models import Job
from jobs.services import JobRefused, Progress, job_run
from projects.models import Unit


def count_units(job: Job, progress: Progress) -> dict[str, Any]:
    rows, pause, prefix = job.arguments["rows"], job.arguments["pause"], job.arguments["prefix"]
    progress(total=rows, phase="逐行写入")
    with transaction.atomic():
        for row in range(1, rows + 1):
            time.sleep(pause)
            Unit.objects.create(name=f"{prefix}{row}")
            progress(read=row, written=row)
        if job.arguments.get("refuse"):
            raise JobRefused("第3行：责任单位不存在", {"rows": rows})
    return {"lines": [f"新增{rows}个单位"]}


@task()
def count_units_task(job_id: str) -> None:
    job_run(job_id, count_units)
