"""A period that has not ended is judged on today, never on its end (`Period.as_of`).

On 7 December 2026 (November is due) a leader may still ask for December or the fourth quarter.
Its 31 December has not come: a project planned to start on 20 December is not late, a
milestone planned for 15 December is not overdue, and the money is judged against the schedule
of November, the last month whose figures can be in. The briefing says the period is not over
(本季度尚未结束，数据截至12月7日), and the dashboard, the lag list and the briefing count the
same rows, as the walkthrough found they did not (45 in the briefing, 20 on the lag list).

A county of four 2026 rows, none started, none reported, each with a plan of 100 万元:
城关污水处理厂 planned to start on 30 November, 城关保障房 on 1 December, 营盘公路改建 on
20 December, 城南停车场 with no 计划开工日期.
"""

from datetime import date

import pytest
import time_machine
from django.urls import reverse

from core.models import PeriodKind
from investment.documents.briefing import briefing_data
from investment.rules.periods import Period
from investment.selectors.progress import LagReason, lag_warnings
from projects.models import Milestone, Project
from tests.investment.test_before_planned_start import PLANNED
from tests.investment.test_briefing import pdf_text
from tests.workbooks import PROJECT_HEADERS, code, load

TODAY = date(2026, 12, 7)
MOMENT = "2026-12-07 10:00+08:00"


@pytest.fixture
def county(db):
    units = ["县住建局", "县住建局", "营盘镇", "县住建局"]
    load({"项目台账": [PROJECT_HEADERS, *(
        [code(n, 2026), name, unit, "县重点", "新建", 1000, 2026, 100, None]
        for n, (name, unit) in enumerate(zip(PLANNED, units, strict=True), start=1)
    )]})  # fmt: skip
    for name, planned in PLANNED.items():
        Project.objects.filter(name=name).update(planned_start=planned)


def lagging(period: Period) -> dict[str, list[str]]:
    return {w.progress.name: [r.reason for r in w.reasons] for w in lag_warnings(period)}


def test_a_period_that_has_not_ended_is_judged_on_today():
    quarter = Period.of(2026, 12, PeriodKind.QUARTER, today=TODAY)
    assert not quarter.ended
    assert quarter.as_of == TODAY
    assert quarter.judged_month == 11  # the last month that has ended
    assert quarter.as_of_text == "12月7日"
    assert quarter.as_of_note == "本季度尚未结束，数据截至12月7日"
    assert Period.of(2026, 12, today=TODAY).as_of_note == "本月尚未结束，数据截至12月7日"
    assert Period.of(2026, 12, PeriodKind.YEAR, today=TODAY).as_of_note.startswith("本年度尚未结束")


def test_a_period_that_has_ended_is_judged_on_its_last_day():
    november = Period.of(2026, 11, today=TODAY)
    assert november.ended
    assert (november.as_of, november.judged_month) == (date(2026, 11, 30), 11)
    assert november.as_of_text == "11月底"
    assert november.as_of_note == ""


def test_a_year_not_begun_judges_no_month():
    assert Period.of(2027, 3, today=TODAY).judged_month == 0


def test_a_start_planned_after_today_is_not_late(county):
    reasons = lagging(Period.of(2026, 12, PeriodKind.QUARTER, today=TODAY))

    assert "营盘公路改建" not in reasons  # planned on 20 December: still to come
    assert reasons["城关保障房"] == [LagReason.NOT_STARTED, LagReason.INVESTMENT]
    (warning,) = [
        w for w in lag_warnings(Period.of(2026, 12, today=TODAY)) if w.progress.name == "城关保障房"
    ]
    assert warning.reasons[0].details == "计划2026年12月1日开工，至12月7日未开工"


def test_the_money_is_judged_against_the_schedule_of_the_last_month_ended(county):
    (warning,) = [
        w for w in lag_warnings(Period.of(2026, 12, today=TODAY)) if w.progress.name == "城南停车场"
    ]
    assert warning.reasons[0].details == "完成0.0%，低于序时进度91.7个百分点"  # 11/12, not 100


def test_a_milestone_planned_after_today_is_not_overdue(county):
    project = Project.objects.get(name="城南停车场")
    Milestone.objects.create(project=project, name="施工许可", planned_date=date(2026, 12, 15))
    Milestone.objects.create(project=project, name="用地批复", planned_date=date(2026, 12, 3))

    reasons = lagging(Period.of(2026, 12, today=TODAY))
    assert reasons["城南停车场"] == [LagReason.INVESTMENT, LagReason.MILESTONE]
    (warning,) = [
        w for w in lag_warnings(Period.of(2026, 12, today=TODAY)) if w.progress.name == "城南停车场"
    ]
    assert warning.reasons[1].details == "1个节点逾期：用地批复（12-03），最久逾期4天"
    # Once December has ended both are overdue, judged on 31 December.
    after = lag_warnings(Period.of(2026, 12, today=date(2027, 1, 7)))
    (ended,) = [w for w in after if w.progress.name == "城南停车场"]
    assert ended.reasons[-1].details.startswith("2个节点逾期")


@pytest.mark.parametrize("kind", [PeriodKind.MONTH, PeriodKind.QUARTER])
def test_the_dashboard_the_lag_list_and_the_briefing_count_the_same_rows(
    client, county, cast, kind
):
    expected = {"城关污水处理厂", "城关保障房", "城南停车场"}
    with time_machine.travel(MOMENT):
        period = Period.of(2026, 12, kind)
        client.force_login(cast.leader)
        asked = {"year": 2026, "month": 12}
        dashboard = client.get(reverse("dashboard"), asked).context["lagging_levels"]
        lag_list = client.get(reverse("lag_warnings"), asked).context["levels"]
        briefing = briefing_data(period)
    assert sum(level.total for level in dashboard) == 3
    assert sum(level.total for level in lag_list) == 3
    assert briefing.lagging_total == 3
    assert {w.progress.name for w in briefing.lagging} == expected


def test_the_quarter_briefing_says_the_quarter_has_not_ended(client, county, cast):
    with time_machine.travel(MOMENT):
        client.force_login(cast.leader)
        response = client.get(
            reverse("briefing_pdf"),
            {"kind": "quarter", "year": 2026, "quarter": 4, "acknowledged": "1"},
        )
    text = pdf_text(response.content)

    assert "本季度尚未结束，数据截至12月7日" in text
    assert "截至12月7日共有滞后项目3个" in text
    assert "计划2026年12月1日开工，至12月7日未开工" in text
    assert "12月31日" not in text
    assert "12月底" not in text
    assert "2026-12-20" not in text  # 营盘公路改建 is not on the list


def test_the_dashboard_and_the_lag_list_say_the_month_has_not_ended(client, county, cast):
    with time_machine.travel(MOMENT):
        client.force_login(cast.leader)
        asked = {"year": 2026, "month": 12}
        dashboard = client.get(reverse("dashboard"), asked).content.decode()
        lag_list = client.get(reverse("lag_warnings"), asked).content.decode()
        november = client.get(reverse("dashboard"), {"year": 2026, "month": 11}).content.decode()
    assert "本月尚未结束，数据截至12月7日" in dashboard
    assert "截至12月7日，共3个" in lag_list
    assert "尚未结束" not in november
