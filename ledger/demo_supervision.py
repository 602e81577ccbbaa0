"""The demo county's supervision story, written through the same services the pages use.

The ledger brings findings in bulk; this adds what only the app records: an inspection of a few
projects, 13710 findings at every stage (closed on time, answered, waiting for 销号, one
step overdue, escalated to the leaders), their rectification answers, and one notice.
"""

from datetime import date, datetime, time

from django.utils import timezone

from investment.notices import notice_content
from projects.models import FactorCategory, Project, Unit, User
from supervision import services
from supervision.models import Finding, FindingEvent, Notice

HOUSING = "县住房和城乡建设局"


def _on(day: date, finding: Finding) -> Finding:
    """Date the finding's latest step on its business day, not on the day the demo loads."""
    event = finding.events.latest("pk")
    at = timezone.make_aware(datetime.combine(day, time(10)))
    FindingEvent.objects.filter(pk=event.pk).update(created_at=at)
    return finding


def supervision_story() -> None:
    supervisor = User.objects.get(username="supervisor")
    reporter = User.objects.get(username="reporter")
    housing = Unit.objects.get(name=HOUSING)
    projects = list(
        Project.objects.filter(
            unit=housing, plans__year=2026, plans__actual_start__isnull=False
        ).order_by("code")[:3]
    )
    inspection = services.inspection_save(
        user=supervisor,
        title="11月重点项目专项督查",
        inspected_on=date(2026, 11, 2),
        inspectors="县督查办 王明、李华",
        notes="实地查看住建领域重点项目施工现场，召开现场推进会。",
        projects=projects,
    )

    def finding(description, found_on, clock, unit=housing, deadline=None, category="approval"):
        created = services.finding_create(
            user=supervisor,
            unit=unit,
            description=description,
            found_on=found_on,
            today=found_on,
            category=category,
            clock=clock,
            deadline=deadline,
            project=projects[0] if unit == housing else None,
            inspection=inspection,
        )
        return _on(found_on, created)

    def answer(finding, day, note, done=False):
        return _on(
            day,
            services.finding_answer(
                user=reporter, finding=finding, today=day, note=note, done=done
            ),
        )

    closed = finding(
        "施工现场扬尘防治措施不到位，裸土未覆盖", date(2026, 11, 2), Finding.Clock.ORDINARY
    )
    answer(closed, date(2026, 11, 3), "已组织施工单位整改。")
    answer(
        closed, date(2026, 11, 6), "裸土已全部覆盖防尘网，增设雾炮2台，现场复查合格。", done=True
    )
    closed_on = date(2026, 11, 8)
    _on(closed_on, services.finding_close(user=supervisor, finding=closed, today=closed_on))

    waiting = finding(
        "施工许可证办理滞后，影响主体工程开工",
        date(2026, 11, 2),
        Finding.Clock.TIMETABLE,
        deadline=date(2026, 12, 31),
    )
    answer(waiting, date(2026, 11, 20), "施工许可证已于11月20日核发，证号见附件。", done=True)
    answered = finding(
        "项目用地征迁尚有3户未签约",
        date(2026, 11, 2),
        Finding.Clock.COMPLEX,
        category=FactorCategory.RELOCATION,
    )
    answer(answered, date(2026, 11, 5), "已成立征迁工作组，逐户走访，计划11月底前完成签约。")
    roads = Unit.objects.get(name="县交通运输局")
    finding("配套道路工程未按计划进场施工", date(2026, 11, 10), Finding.Clock.ORDINARY, roads)
    finding(
        "水电气接入方案未报审",
        date(2026, 11, 20),
        Finding.Clock.ORDINARY,
        Unit.objects.get(name="营盘镇"),
        category=FactorCategory.UTILITIES,
    )
    year, month = 2026, 10
    services.notice_issue(
        user=supervisor,
        year=year,
        period=Notice.Period.MONTH,
        month=month,
        title="关于2026年1–10月全县重点项目建设情况的通报",
        opening="按照县委、县政府工作部署，现将2026年1–10月全县重点项目建设情况通报如下。"
        "请黑榜单位对照问题清单，7日内向县督查办书面报告整改措施。",
        content=notice_content(year=year, month=month, period="month", today=date(2026, 11, 24)),
    )
