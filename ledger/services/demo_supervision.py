"""The demo county's supervision story, written through the same services the pages use.

The ledger brings findings in bulk; this adds what only the app records: an inspection of a few
projects, 13710 findings at every stage (closed on time, answered, waiting for 销号, one
step overdue and chased by the office, two past their deadline by days or weeks and escalated
to the leaders), their rectification answers, and the notice of a month that is due. Every
date counts back from the day the demo is seeded, so the clocks read the same on any day.
"""

from datetime import date, datetime, time, timedelta

from django.utils import timezone

from investment.documents.notices import notice_content
from investment.rules.periods import Period
from ledger.services.demo_calendar import DemoCalendar
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


def supervision_story(cal: DemoCalendar) -> None:
    today = cal.today

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    supervisor = User.objects.get(username="supervisor")
    reporter = User.objects.get(username="reporter")
    housing = Unit.objects.get(name=HOUSING)
    projects = list(
        Project.objects.filter(
            unit=housing, plans__year=cal.year, plans__actual_start__isnull=False
        ).order_by("code")[:3]
    )
    inspected_on = ago(30)
    inspection = services.inspection_save(
        user=supervisor,
        title=f"{inspected_on.month}月重点项目专项督查",
        inspected_on=inspected_on,
        inspectors="县督查办 王明、李华",
        notes="实地查看住建领域重点项目施工现场，召开现场推进会。",
        projects=projects,
    )

    def finding(
        description: str,
        found_on: date,
        clock: str,
        unit: Unit = housing,
        deadline: date | None = None,
        category: str = "approval",
    ) -> Finding:
        created = services.finding_create(
            user=supervisor,
            unit=unit,
            description=description,
            found_on=found_on,
            today=found_on,
            category=category,
            clock=clock,
            deadline=deadline,
            project=projects[0] if unit == housing and projects else None,
            inspection=inspection,
        )
        return _on(found_on, created)

    def answer(
        finding: Finding, day: date, note: str, done: bool = False, user: User = reporter
    ) -> Finding:
        return _on(
            day,
            services.finding_answer(user=user, finding=finding, today=day, note=note, done=done),
        )

    closed = finding("施工现场扬尘防治措施不到位，裸土未覆盖", ago(30), Finding.Clock.ORDINARY)
    answer(closed, ago(29), "已组织施工单位整改。")
    answer(closed, ago(26), "裸土已全部覆盖防尘网，增设雾炮2台，现场复查合格。", done=True)
    _on(ago(24), services.finding_close(user=supervisor, finding=closed, today=ago(24)))

    waiting = finding(
        "施工许可证办理滞后，影响主体工程开工",
        ago(30),
        Finding.Clock.TIMETABLE,
        deadline=today + timedelta(days=28),
    )
    answer(waiting, ago(12), "施工许可证已核发，证号见附件。", done=True)
    answered = finding(
        "项目用地征迁尚有3户未签约",
        ago(25),
        Finding.Clock.COMPLEX,
        category=FactorCategory.RELOCATION,
    )
    answer(answered, ago(23), "已成立征迁工作组，逐户走访，计划本月底前完成签约。")
    # Past the 7-day deadline with no answer: escalated to the county leaders (县领导督办).
    roads = Unit.objects.get(name="县交通运输局")
    finding("配套道路工程未按计划进场施工", ago(22), Finding.Clock.ORDINARY, roads)
    # Answered but not settled in 7 days: a few days overdue, escalated as well.
    township = Unit.objects.get(name="营盘镇")
    township_reporter = User.objects.filter(unit=township, role=User.Role.REPORTER).first()
    late = finding(
        "集镇改造项目水电气接入方案未报审",
        ago(12),
        Finding.Clock.ORDINARY,
        township,
        category=FactorCategory.UTILITIES,
    )
    if township_reporter is not None:
        answer(
            late, ago(10), "已联系供电、供水单位现场踏勘，方案正在编制。", user=township_reporter
        )
    # Found three days ago and not answered yet: the first reply is a day late (督查办催办).
    finding(
        "施工人员实名制管理台账不健全",
        ago(4),
        Finding.Clock.COMPLEX,
        Unit.objects.get(name="县水利局"),
        category=FactorCategory.OTHER,
    )
    year, month = cal.year, cal.month
    issued_on = cal.due_on(month) + timedelta(days=14)
    if issued_on > today and month > 1:
        month -= 1  # the latest month is too fresh for its notice: the one before
        issued_on = cal.due_on(month) + timedelta(days=14)
    if issued_on > today:
        return
    services.notice_issue(
        user=supervisor,
        year=year,
        period=Notice.Period.MONTH,
        month=month,
        title=f"关于{year}年1–{month}月全县重点项目建设情况的通报",
        opening=f"按照县委、县政府工作部署，现将{year}年1–{month}月全县重点项目建设情况通报如下。"
        "请黑榜单位对照问题清单，7日内向县督查办书面报告整改措施。",
        content=notice_content(Period.of(year, month, today=issued_on)),
    )
