"""The briefing's section (五) 全力以赴招商引资 (seed 004), filled from the 招商 records of the
briefing's year through its period's end; 暂无记录 where nothing was recorded, never a blank.
And seed 004's template filled for the demo county: no "xx" left in any section."""

import re
from datetime import date

import pytest
from django.template.loader import render_to_string

from investment.documents.briefing import briefing_data, briefing_pdf_bytes
from investment.rules.periods import Period
from promotion.models import Activity
from promotion.selectors import promotion_figures
from tests.counties import DEMO_DAY
from tests.investment.test_briefing import pdf_text
from tests.promotion.helpers import reception
from tests.workbooks import a_small_county

pytestmark = pytest.mark.django_db
PLACEHOLDER = re.compile("xx", re.IGNORECASE)


def briefing_text(period: Period) -> str:
    """The briefing's words as a leader reads them (the PDF's HTML, tags and spaces gone)."""
    html = render_to_string(
        "briefing/briefing.html", {"b": briefing_data(period), "generated": DEMO_DAY}
    )
    return re.sub(r"\s+", "", re.sub(r"<[^>]+>", "", html))


def section_five(text: str) -> str:
    return text.split("（五）全力以赴招商引资")[1].split("二、存在问题")[0]


@pytest.mark.parametrize("kind", ["month", "quarter", "year"])
def test_the_demo_countys_briefing_has_no_xx_left_in_any_section(demo_county, kind):
    period = Period.due_on(DEMO_DAY, kind)

    text = briefing_text(period)

    assert "一、工作进展情况" in text and "二、存在问题" in text and "三、考核排名" in text
    assert PLACEHOLDER.findall(text) == []


def test_the_demo_countys_downloaded_briefing_has_no_xx_either(demo_county):
    text = pdf_text(briefing_pdf_bytes(Period.due_on(DEMO_DAY)))

    assert "（五）全力以赴招商引资" in text
    assert PLACEHOLDER.findall(text) == []


def test_section_five_reads_the_years_figures_and_the_months_own(demo_county):
    period = Period.due_on(DEMO_DAY)  # October 2026
    year = promotion_figures(Activity.objects.all(), date(period.year, 1, 1), period.end)
    month = promotion_figures(Activity.objects.all(), period.start, period.end)

    section = section_five(briefing_text(period))

    assert year.visits and year.reception_batches and year.signed_projects  # a year of 招商
    assert section.startswith(f"{period.year}年以来（截至10月底），全县各镇（办）各部门")
    assert (
        f"开展外出招商活动{year.visits}次，其中县级领导带队{year.visits_leader}次，"
        f"部门牵头{year.visits_department}次，镇办牵头{year.visits_township}次；"
    ) in section
    assert f"共接待外地客商{year.reception_batches}批次共计{year.reception_people}人" in section
    assert f"通过招商活动签约项目{year.signed_projects}个" in section
    assert f"其中本月外出招商{month.visits}次，接待客商{month.reception_batches}批次" in section


def test_a_year_with_no_records_says_so(cast):
    a_small_county()

    section = section_five(briefing_text(Period.of(2024, 3, today=date(2024, 4, 20))))

    assert section == "截至3月底，2024年招商引资活动暂无记录。"


def test_a_year_of_receptions_only_says_no_visits_were_recorded(cast):
    a_small_county()
    reception(cast.officer, cast.housing, date(2024, 2, 6), batches=1, people=5)

    section = section_five(briefing_text(Period.of(2024, 3, today=date(2024, 4, 20))))

    assert "外出招商活动暂无记录；共接待外地客商1批次共计5人" in section
    assert "招商签约项目暂无记录。其中本月招商引资活动暂无记录。" in section
