"""The pages of data quality: 数据质量规则 beside 预警规则, a report's flags (说明, 已核实), the
review page's flags, 数据质量 and its export, `manage.py data_quality`, and the leaders' line
beside the completeness line with its 我已知悉."""

import io
import json

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse
from django.utils.html import strip_tags
from openpyxl import load_workbook

from investment.models import MonthlyReport, QualityFlag, QualityRule
from investment.services import reports as services
from tests.quality_county import PHOENIX, ROAD

Code = QualityRule.Code


@pytest.fixture
def county(flagged_may_county, cast):
    """Two 县住建局 projects, four months of 450 万元 each; May's 凤凰镇 typed as 4500 (the
    prebuilt county of tests/counties.py); the cast."""
    return cast


def the_flag() -> QualityFlag:
    return QualityFlag.objects.get(report__plan__project__code=PHOENIX, rule=Code.MONTH_OUTLIER)


def test_the_reporter_explains_a_flag_on_the_reports_page(client, county):
    client.force_login(county.reporter)
    report = the_flag().report
    page = client.get(reverse("report_quality", args=[report.pk])).content.decode()
    assert "是该项目此前12个月中位数450.00万元的10.0倍" in page
    assert 'data-action="quality.explain"' in page and 'data-action="quality.accept"' not in page

    client.post(
        reverse("flag_explain", args=[the_flag().pk]),
        {"explanation": "本月支付设备款", "version": the_flag().version},
    )
    assert (the_flag().status, the_flag().explanation) == ("explained", "本月支付设备款")


def test_the_review_page_shows_the_flag_and_offers_核实_not_通过(client, county):
    client.force_login(county.officer)
    page = client.get(reverse("review_month", args=[2024, 5])).content.decode()
    flagged = the_flag().report
    row = page[page.index(f'id="report-{flagged.pk}"') :]
    row = row[: row.index("</tr>")]
    assert "本月完成异常偏高·待说明" in row
    assert 'data-action="quality.accept"' in row and 'data-action="report.approve"' not in row
    assert f'name="report" value="{flagged.pk}"' not in row  # not offered for 通过所选
    assert "其中1份有尚未核实的数据质量提示，全部通过时保留待核实" in page


def test_when_every_listed_report_waits_for_已核实_no_batch_approval_is_offered(client, county):
    """全部通过 approving none is not offered: the page says why instead (walk-through)."""
    client.force_login(county.officer)
    services.report_approve(
        report=MonthlyReport.objects.get(plan__project__code=ROAD, month=5), user=county.officer
    )
    page = client.get(reverse("review_month", args=[2024, 5])).content.decode()
    assert 'name="scope" value="all"' not in page and "通过所选报表" not in page
    assert "本页1份已报送的报表都有尚未核实的数据质量提示" in page


def test_全部通过_leaves_the_flagged_report_and_says_so(client, county):
    client.force_login(county.officer)
    submitted = MonthlyReport.objects.filter(status="submitted", month=5)
    page = client.post(
        reverse("reports_approve", args=[2024, 5]),
        {"scope": "all", "shown": [r.pk for r in submitted]},
        follow=True,
    ).content.decode()
    assert (
        "已审核通过1份报表。另有1份报表有尚未核实的数据质量提示，未通过：凤凰镇安置社区配套" in page
    )
    assert the_flag().report.status == "submitted"


def test_the_office_marks_a_flag_已核实_with_a_note_and_then_approves(client, county):
    client.force_login(county.officer)
    response = client.post(
        reverse("flag_accept", args=[the_flag().pk]),
        {"note": "已电话核实，属实", "version": the_flag().version, "back": "review"},
    )
    assert response.url.startswith(reverse("review_month", args=[2024, 5]))
    assert (the_flag().status, the_flag().note) == ("accepted", "已电话核实，属实")
    client.post(reverse("report_approve", args=[the_flag().report_id]))
    assert the_flag().report.status == "approved"


def test_已核实_on_the_review_page_comes_back_to_the_page_as_it_was_filtered(client, county):
    """The office reviewing the month's 已报送 reports of every unit marks a flag 已核实: it
    comes back to that same list at the report's row, not to one unit's list of every status."""
    client.force_login(county.officer)
    response = client.post(
        reverse("flag_accept", args=[the_flag().pk]),
        {"note": "已电话核实，属实", "version": the_flag().version, "back": "review",
         "shown_status": "submitted"},
    )  # fmt: skip
    report = the_flag().report
    unit = report.plan.project.unit_id
    assert response.url.endswith(f"?status=submitted&focus={unit}#report-{report.pk}")
    page = client.get(reverse("review_month", args=[2024, 5]), {"status": "submitted"})
    assert 'name="shown_status" value="submitted"' in page.content.decode()


def test_the_leaders_line_counts_the_flags_and_those_not_examined(client, county):
    client.force_login(county.leader)
    dashboard = client.get(reverse("dashboard"), {"year": 2024, "month": 5}).content.decode()
    assert "数据质量提示1条，未核实1条" in dashboard
    for name in ("board", "rankings"):
        page = client.get(reverse(name), {"year": 2024, "month": 5}).content.decode()
        assert "数据质量提示1条，未核实1条" in page, name

    from investment.services.quality_flags import flag_accept

    flag_accept(flag=the_flag(), user=county.officer, note="属实")
    dashboard = client.get(reverse("dashboard"), {"year": 2024, "month": 5}).content.decode()
    assert "数据质量提示1条，未核实0条" in dashboard


def test_a_briefing_with_unexamined_flags_needs_我已知悉(client, county):
    client.force_login(county.leader)
    period = {"kind": "month", "year": 2024, "month": 4}
    # April is complete; the flag is on May
    assert client.get(reverse("briefing_pdf"), period)["Content-Type"] == "application/pdf"
    period["month"] = 5
    refused = client.get(reverse("briefing_pdf"), period, follow=True).content.decode()
    assert "数据质量提示1条，未核实1条" in refused and "有1条数据质量提示尚未核实" in refused
    sent = client.get(reverse("briefing_pdf"), period | {"acknowledged": "1"})
    assert sent["Content-Type"] == "application/pdf"


def test_数据质量_lists_the_flags_by_unit_and_rule_and_exports_them(client, county):
    client.force_login(county.officer)
    page = client.get(reverse("quality_flags"), {"year": 2024, "month": 5}).content.decode()
    assert "县住建局" in page and "本月完成异常偏高" in page
    assert reverse("report_quality", args=[the_flag().report_id]) in page

    none = client.get(
        reverse("quality_flags"), {"year": 2024, "month": 5, "status": "accepted"}
    ).content.decode()
    assert "没有符合条件的数据质量提示" in none

    export = client.get(reverse("quality_flags"), {"year": 2024, "month": 5, "format": "xlsx"})
    rows = list(load_workbook(io.BytesIO(export.content)).active.iter_rows(values_only=True))
    assert rows[0][:3] == ("责任单位", "项目代码", "项目名称")
    assert [(r[1], r[5], r[6]) for r in rows[1:]] == [(PHOENIX, "本月完成异常偏高", "待说明")]


def test_数据质量_names_the_earlier_months_whose_flags_still_count_unexamined(client, county):
    """May's flag is still open when June is looked at: June's line counts it (months 1..6),
    so the page says which earlier month holds it, with a link."""
    client.force_login(county.officer)

    june = client.get(reverse("quality_flags"), {"year": 2024, "month": 6}).content.decode()
    may = client.get(reverse("quality_flags"), {"year": 2024, "month": 5}).content.decode()

    assert "其中较早月份尚未核实：" in june and '<a href="?year=2024&amp;month=5">5月' in june
    assert "其中较早月份尚未核实" not in may  # its own month's flags are in its table


def test_the_data_quality_command_prints_the_pinned_json(county):
    out = io.StringIO()
    call_command("data_quality", "--year", "2024", "--month", "5", "--json", stdout=out)
    assert json.loads(out.getvalue()) == [
        {
            "project_code": PHOENIX,
            "year": 2024,
            "month": 5,
            "rule": "month_outlier",
            "status": "open",
            "message": the_flag().message,
        }
    ]


def test_the_data_quality_command_refuses_a_bad_month(county):
    with pytest.raises(CommandError, match="月份应为1–12"):
        call_command("data_quality", "--year", "2024", "--month", "13")


def test_the_settings_tab_saves_a_threshold_and_an_unchanged_save_writes_nothing(client, cast):
    client.force_login(cast.officer)
    page = client.get(reverse("quality_rules"), {"year": 2024}).content.decode()
    assert "数据质量规则" in page and "预警规则" in page
    shown = strip_tags(page)  # each rule by its Chinese name and meaning, no code of ours
    assert "本月完成投资超过此前12个月" in shown and not any(code in shown for code in Code.values)

    def post(threshold: str, version: int) -> str:
        form: dict[str, object] = {"year": 2024, "rule-TOTAL_FORMS": 7, "rule-INITIAL_FORMS": 7}
        for index, (code, rule) in enumerate(QualityRule.for_year(2024).items()):
            form |= {
                f"rule-{index}-rule": code,
                f"rule-{index}-version": rule.version if rule.pk else 0,
                f"rule-{index}-enabled": "on",
                f"rule-{index}-threshold": rule.threshold_text,
            }
            if code == Code.MONTH_OUTLIER:
                form[f"rule-{index}-threshold"] = threshold
        return client.post(
            reverse("quality_rules") + "?year=2024", form, follow=True
        ).content.decode()

    assert "数据质量规则没有改动" in post("5", 0)
    assert "已保存" in post("6", 0)
    assert QualityRule.objects.get().threshold == 6
    assert "数据质量规则没有改动" in post("6", 1)
    assert QualityRule.history.count() == 1


def test_数据变更记录_names_a_flags_changes_by_project_month_and_rule(client, county):
    from investment.services.quality_flags import flag_explain

    flag_explain(flag=the_flag(), user=county.reporter, text="本月支付设备款")
    client.force_login(county.auditor)
    page = client.get(reverse("data_history"), {"table": "quality_flag"}).content.decode()
    assert "凤凰镇安置社区配套" in page and "本月完成异常偏高" in page
    assert "本月支付设备款" in page
