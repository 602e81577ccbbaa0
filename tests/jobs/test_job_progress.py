"""The progress page (后台任务进度): its starter's alone, reloading itself while the job runs,
the bar and the figures as the task last wrote them, and the outcome once it has ended."""

from datetime import timedelta

import pytest
from django.urls import reverse
from django.utils import timezone

from jobs.models import Job
from jobs.services import JobRefused, Progress, job_run, job_start
from tests.jobs.sample_tasks import count_units, count_units_task

pytestmark = pytest.mark.django_db


@pytest.fixture
def office(client, cast):
    client.force_login(cast.officer)
    return cast.officer


def page(client, job: Job):
    return client.get(reverse("job_progress", args=[job.pk]), HTTP_HOST="127.0.0.1")


def test_a_queued_job_says_it_waits_and_reloads_itself(client, office):
    job = job_start(task=count_units_task, title="台账导入预览：城市.xlsx", user=office,
                    back_url="/ledger/", rows=3, pause=0, prefix="甲")  # fmt: skip

    response = page(client, job)

    assert response.status_code == 200
    assert response["Refresh"] == "2"
    text = response.content.decode()
    assert "台账导入预览：城市.xlsx" in text and "排队中" in text
    assert 'href="/ledger/"' in text  # back to the page that started it


def test_a_running_job_shows_rows_percent_and_time_left(client, office):
    started = timezone.now() - timedelta(seconds=30)
    job = Job.objects.create(
        title="台账导入", started_by=office, state=Job.State.RUNNING, phase="读取“项目台账”",
        rows_total=200_000, rows_read=50_000, rows_written=40_000, percent=25,
        started_at=started, heartbeat_at=timezone.now(),
    )  # fmt: skip

    text = page(client, job).content.decode()

    assert '<progress class="job-bar" max="100" value="25"' in text
    assert '已读取<span class="job-read">50000</span>行（共200000行）' in text
    assert '已写入<span class="job-written">40000</span>行' in text
    assert '预计还需<span class="job-left">约1分30秒</span>' in text  # 30 s for 25 %
    assert "没有报告进度" not in text


def test_a_silent_worker_is_mentioned(client, office):
    job = Job.objects.create(
        title="台账导入", started_by=office, state=Job.State.RUNNING, percent=10,
        started_at=timezone.now() - timedelta(minutes=5),
        heartbeat_at=timezone.now() - timedelta(minutes=3),
    )  # fmt: skip

    assert "后台处理已约3分0秒没有报告进度" in page(client, job).content.decode()


def test_an_ended_job_shows_its_outcome_and_stops_reloading(client, office):
    job = job_start(task=count_units_task, title="计数", user=office, rows=3, pause=0, prefix="乙")
    job_run(str(job.pk), count_units)

    response = page(client, job)

    assert "Refresh" not in response
    text = response.content.decode()
    assert "已完成" in text and "新增3个单位" in text and 'value="100"' in text


def test_a_refused_job_shows_its_reason(client, office):
    job = job_start(task=count_units_task, title="计数", user=office, rows=3, pause=0, prefix="丙",
                    refuse=True)  # fmt: skip
    job_run(str(job.pk), count_units)

    text = page(client, job).content.decode()

    assert "失败" in text and "第3行：责任单位不存在" in text


def test_another_persons_job_is_not_found(client, office, cast):
    job = job_start(task=count_units_task, title="计数", user=cast.leader, rows=1, pause=0,
                    prefix="丁")  # fmt: skip

    assert page(client, job).status_code == 404


def test_a_job_delivered_twice_runs_once(office):
    job = job_start(task=count_units_task, title="计数", user=office, rows=2, pause=0, prefix="戊")
    job_run(str(job.pk), count_units)
    ran = []

    job_run(str(job.pk), lambda job, progress: ran.append(job) or {})

    assert ran == []
    job.refresh_from_db()
    assert (job.state, job.attempts) == ("done", 1)


def test_progress_is_written_at_most_once_a_second_but_at_each_new_phase(office):
    job = Job.objects.create(title="计数", started_by=office, state=Job.State.RUNNING)
    progress = Progress(job)
    progress(total=1000, phase="读取")
    for row in range(1, 500):
        progress(read=row)
    job.refresh_from_db()
    assert (job.phase, job.rows_total, job.rows_read) == ("读取", 1000, 0)  # within the second

    progress(read=500, phase="写入")

    job.refresh_from_db()
    assert (job.phase, job.rows_read, job.percent) == ("写入", 500, 50)


def test_a_refusal_keeps_what_the_page_shows_beside_it(office):
    job = job_start(task=count_units_task, title="计数", user=office, rows=1, pause=0, prefix="己")

    def refuse(job, progress):
        raise JobRefused("文件有2处问题", {"problems": ["项目台账!3：项目代码：不能为空"]})

    job_run(str(job.pk), refuse)

    job.refresh_from_db()
    assert (job.state, job.error) == ("failed", "文件有2处问题")
    assert job.result == {"problems": ["项目台账!3：项目代码：不能为空"]}


def test_a_phase_that_only_repeats_the_state_is_not_said_twice(client, office):
    job = Job.objects.create(
        title="导入填报员", started_by=office, state=Job.State.DONE, phase="已完成"
    )

    text = page(client, job).content.decode()

    assert '状态：<strong class="job-state">已完成</strong></p>' in text


def test_a_result_link_back_to_the_page_that_started_it_is_offered_once(client, office):
    back = {"url": "/ledger/", "label": "返回Excel台账"}
    job = Job.objects.create(
        title="台账导入", started_by=office, state=Job.State.DONE, back_url="/ledger/",
        result={"lines": ["导入完成。"], "link": back},
    )  # fmt: skip

    text = page(client, job).content.decode()

    assert '<a class="job-next" href="/ledger/">返回Excel台账</a>' in text
    assert "返回提交页面" not in text  # the same page, not offered twice
