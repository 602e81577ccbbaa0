"""A document made in the background (a city's Excel export): the page's own maker, a function
``maker(request) -> (file name, bytes)`` named by its dotted path, run by the worker on a request
rebuilt from what the page was asked (its query, its user); the file kept as the job's, offered
on the job's page until ``JOBS_KEEP_DAYS`` have passed."""

from collections.abc import Callable
from typing import Any

from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.http import QueryDict
from django.urls import reverse
from django.utils.module_loading import import_string
from django_tasks import task

from core.http import AuthenticatedRequest
from jobs.models import Job
from jobs.services import FILES_FOLDER, Progress, job_run, job_start

Maker = Callable[[AuthenticatedRequest], tuple[str, bytes]]


def document_start(
    *,
    maker: Maker,
    request: AuthenticatedRequest,
    title: str,
    back_path: str = "",
    query: QueryDict | None = None,
) -> Job:
    """The job making ``maker``'s document for ``request``'s user and ``query`` (default: the
    request's); its page links back to ``back_path`` (default: the page asked, without
    ``format``) with that query."""
    query = request.GET if query is None else query
    shown = query.copy()
    shown.pop("format", None)
    back = back_path or request.path
    return job_start(
        task=document_make,
        title=title,
        user=request.user,
        back_url=f"{back}?{shown.urlencode()}" if shown else back,
        maker=f"{maker.__module__}.{maker.__qualname__}",
        query=query.urlencode(),
    )


def size_text(size: int) -> str:
    return f"{size / 1024 / 1024:.1f} MB" if size >= 1024 * 1024 else f"{max(1, size // 1024)} KB"


def document_work(job: Job, progress: Progress) -> dict[str, Any]:
    maker: Maker = import_string(job.arguments["maker"])
    request = AuthenticatedRequest()
    request.GET = QueryDict(job.arguments["query"])
    request.user = job.started_by  # type: ignore[assignment]  # the page's user: signed in
    progress(phase="生成文件", percent=5)
    name, content = maker(request)
    progress(phase="保存文件", percent=95)
    job.result_file = default_storage.save(f"{FILES_FOLDER}/{job.pk}/{name}", ContentFile(content))
    return {
        "lines": [f"“{name}”已生成，共{size_text(len(content))}。"],
        "link": {"url": reverse("job_file", args=[job.pk]), "label": f"下载“{name}”"},
    }


@task()
def document_make(job_id: str) -> None:
    job_run(job_id, document_work)
