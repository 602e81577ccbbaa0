"""Lost updates: a form older than the row it edits is refused, saying who changed what."""

from datetime import date
from decimal import Decimal
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from bonds.models import FundType
from bonds.services import fund_save
from investment.models import BriefingNote, MonthlyReport
from investment.services.reports import report_save
from projects.models import AnnualPlan, Milestone, Project, Unit, User
from supervision.models import Finding
from supervision.services import finding_create, inspection_save
from tests.builders import ledger
from tests.workbooks import a_portfolio, load


@pytest.fixture
def county(cast):
    load(a_portfolio(2, 2026))
    unit = Unit.objects.get(name="单位1")
    return {
        "office": cast.officer,
        "office2": cast.second_officer,
        "reporter": cast.reporter_of(unit),
        "plan": AnnualPlan.objects.get(project__unit=unit),
    }


def project_form(project: Project, version: int, **values) -> dict:
    return {
        "code": project.code, "name": project.name, "unit": project.unit_id,
        "total_investment": project.total_investment, "stage": project.stage,
        "version": version,
    } | values  # fmt: skip


def test_a_project_edited_on_a_stale_form_is_refused_with_what_changed(client, county):
    project = county["plan"].project
    client.force_login(county["office"])
    first = client.post(
        reverse("project_edit", args=[project.pk]), project_form(project, 1, name="新名称")
    )
    assert first.status_code == 302
    client.force_login(county["office2"])

    second = client.post(
        reverse("project_edit", args=[project.pk]),
        project_form(project, 1, total_investment="999", revision_reason="概算调整"),
    )

    page = second.content.decode()
    assert "已被王科长于" in page
    assert "项目名称：项目1 → 新名称" in page
    project.refresh_from_db()
    assert (project.name, project.total_investment, project.version) == ("新名称", 10, 2)


def report_form(plan: AnnualPlan, version: int, amount: str) -> dict:
    return {
        "unit": plan.project.unit_id, "form-TOTAL_FORMS": 1, "form-INITIAL_FORMS": 1,
        "form-0-plan": plan.pk, "form-0-version": version, "form-0-amount": amount,
        "form-0-progress": "", "form-0-problems": "", "form-0-problem_category": "",
        "action": "save",
    }  # fmt: skip


def test_a_monthly_report_saved_on_a_stale_form_is_refused(client, county):
    plan = county["plan"]
    report = report_save(plan=plan, month=2, user=county["office"], amount=Decimal(3))
    report_save(plan=plan, month=2, user=county["office"], amount=Decimal(4))  # version 2
    client.force_login(county["reporter"])

    response = client.post(
        reverse("report_month", args=[2026, 2]), report_form(plan, report.version, "7")
    )

    page = response.content.decode()
    # saved by a service outside a request: the history names its user all the same
    assert f"“项目1”2月报表已被{county['office']}于" in page
    assert "本月完成投资：3.00万元 → 4.00万元" in page
    assert MonthlyReport.objects.get(pk=report.pk).amount == 4


def test_a_first_report_made_meanwhile_by_someone_else_is_not_overwritten(client, county):
    plan = county["plan"]
    client.force_login(county["reporter"])
    report_save(plan=plan, month=3, user=county["office"], amount=Decimal(5))

    response = client.post(reverse("report_month", args=[2026, 3]), report_form(plan, 0, "9"))

    assert "请刷新页面核对后重新填写" in response.content.decode()
    assert MonthlyReport.objects.get(plan=plan, month=3).amount == 5


def test_an_up_to_date_form_saves_and_moves_the_version_on(client, county):
    plan = county["plan"]
    client.force_login(county["reporter"])

    client.post(reverse("report_month", args=[2026, 3]), report_form(plan, 0, "9"))
    client.post(reverse("report_month", args=[2026, 3]), report_form(plan, 1, "10"))

    report = MonthlyReport.objects.get(plan=plan, month=3)
    assert (report.amount, report.version) == (10, 2)


def test_an_import_makes_forms_opened_before_it_stale(client, county):
    plan = county["plan"]
    client.force_login(county["reporter"])
    client.post(reverse("report_month", args=[2026, 3]), report_form(plan, 0, "9"))
    MonthlyReport.objects.filter(plan=plan, month=3).update(status="approved")
    ledger({"月度投资": [{"项目代码": plan.project.code, "年度": 2026, "月份": 3, "本月完成投资(万元)": 12}]})  # fmt: skip

    assert MonthlyReport.objects.get(plan=plan, month=3).version == 2


def test_a_finding_edited_or_answered_on_a_stale_form_is_refused(client, county, cast):
    supervisor = cast.supervisor
    finding = finding_create(
        user=supervisor, unit=county["plan"].project.unit, description="问题",
        found_on=date(2026, 3, 2), today=date(2026, 3, 2), deadline=date(2026, 3, 31),
    )  # fmt: skip
    client.force_login(supervisor)
    edit = {
        "version": 1,
        "description": "问题（补充）",
        "category": "land",
        "deadline": "2026-04-30",
    }
    client.post(reverse("finding_edit", args=[finding.pk]), edit)
    client.force_login(county["reporter"])

    response = client.post(
        reverse("finding_answer", args=[finding.pk]), {"version": 1, "note": "已整改"}, follow=True
    )

    page = response.content.decode()
    assert "该问题已被赵督查于" in page and "问题类别：其他 → 用地" in page
    finding.refresh_from_db()
    assert (finding.status, finding.version) == (Finding.Status.OPEN, 2)


# Two tabs on one record: each test opens the edit page twice (two GETs), saves a change from
# the first tab, then saves another change from the second, older tab. The second save must be
# refused naming what the first changed, and the first change must survive.


class _FormReader(HTMLParser):
    """The fields a browser would send for each <form> of a page (hidden inputs included)."""

    def __init__(self):
        super().__init__()
        self.forms: list[dict] = []
        self._select: tuple[str, bool] | None = None
        self._options: list[tuple[str, bool]] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.forms.append(
                {"action": attrs.get("action") or "", "method": attrs.get("method"), "fields": []}
            )
        elif not self.forms:
            return
        fields = self.forms[-1]["fields"]
        kind = attrs.get("type", "text")
        if tag == "input" and attrs.get("name") and kind not in ("submit", "button", "file"):
            if kind not in ("checkbox", "radio") or "checked" in attrs:
                fields.append(
                    (attrs["name"], attrs.get("value", "on" if kind == "checkbox" else ""))
                )
        elif tag == "select":
            self._select, self._options = (attrs["name"], "multiple" in attrs), []
        elif tag == "option" and self._select:
            self._options.append((attrs.get("value", ""), "selected" in attrs))
        elif tag == "textarea":
            self._textarea = attrs["name"]
            fields.append((self._textarea, ""))

    def handle_data(self, data):
        if self._textarea:
            name, value = self.forms[-1]["fields"].pop()
            self.forms[-1]["fields"].append((name, value + data))

    def handle_endtag(self, tag):
        if tag == "textarea":
            self._textarea = None
        elif tag == "select" and self._select:
            name, multiple = self._select
            chosen = [value for value, selected in self._options if selected]
            if not chosen and not multiple and self._options:
                chosen = [self._options[0][0]]
            self.forms[-1]["fields"].extend((name, value) for value in chosen)
            self._select = None


def open_form(client, url: str, action: str = "") -> dict:
    """What one tab holds: the fields of the page's first POST form sent to ``action`` (by
    default, to the page itself)."""
    reader = _FormReader()
    reader.feed(client.get(url).content.decode())
    form = next(f for f in reader.forms if f["method"] == "post" and f["action"] == action)
    data: dict[str, list[str]] = {}
    for name, value in form["fields"]:
        data.setdefault(name, []).append(value)
    return data


def save(client, url: str, tab: dict, **changes) -> str:
    """Send a tab's form with ``changes``; the page the user sees afterwards."""
    data = tab | {name: [str(value)] for name, value in changes.items()}
    return client.post(url, data, follow=True).content.decode()


@pytest.fixture
def other_records(county, cast):
    project = county["plan"].project
    office = county["office"]
    return {
        "fund": fund_save(
            user=office, project=project, fund_type=FundType.SPECIAL_BOND, year=2026,
            requested=Decimal("800.1234"), approved=Decimal("600"), note="首批",
        ),
        "milestone": Milestone.objects.create(
            project=project, name="施工许可", planned_date=date(2026, 5, 1)
        ),
        "supervisor": cast.supervisor,
    }  # fmt: skip


def test_a_fund_application_saved_from_an_older_tab_is_refused_and_the_first_note_kept(
    client, county, other_records
):
    fund = other_records["fund"]
    url = reverse("fund_edit", args=[fund.pk])
    client.force_login(county["office"])
    first, second = open_form(client, url), open_form(client, url)

    save(client, url, first, note="已报省发改委审核")
    page = save(client, url, second, approved="700")

    assert "该资金申报已被王科长于" in page
    assert "备注：首批 → 已报省发改委审核" in page
    assert "未保存" in page
    fund.refresh_from_db()
    assert (fund.note, fund.approved, fund.version) == ("已报省发改委审核", Decimal(600), 2)


def test_next_steps_saved_from_an_older_tab_are_refused_and_the_first_text_kept(client, county):
    url = reverse("briefing") + "?kind=month&year=2026&month=3"
    client.force_login(county["office"])
    first, second = open_form(client, url, ""), open_form(client, url, "")
    save(client, url, first, next_steps="一、抓好项目开工")
    client.force_login(county["office2"])

    page = save(client, url, second, next_steps="二、加快资金支出")

    assert "本期下步工作打算已被王科长于" in page and "未保存" in page
    # The refused text is still in the box, for the officer to merge by hand.
    assert "二、加快资金支出" in page
    note = BriefingNote.objects.get(year=2026, period="month", month=3)
    assert note.next_steps == "一、抓好项目开工"

    third = open_form(client, url, "")
    save(client, url, third, next_steps="一、抓好项目开工\n二、加快资金支出")
    note.refresh_from_db()
    assert note.next_steps == "一、抓好项目开工\n二、加快资金支出"


def test_a_milestone_edited_from_an_older_tab_is_refused_with_what_changed(
    client, county, other_records
):
    milestone = other_records["milestone"]
    url = reverse("milestone_edit", args=[milestone.project_id, milestone.pk])
    client.force_login(county["office"])
    first, second = open_form(client, url), open_form(client, url)

    save(client, url, first, planned_date="2026-06-15")
    page = save(client, url, second, name="取得施工许可证")

    assert "节点“施工许可”已被王科长于" in page
    assert "计划完成日期：2026-05-01 → 2026-06-15" in page
    milestone.refresh_from_db()
    assert (milestone.name, milestone.planned_date) == ("施工许可", date(2026, 6, 15))


def test_a_milestone_recorded_done_on_an_older_page_is_refused(client, county, other_records):
    milestone = other_records["milestone"]
    page_url = reverse("milestones", args=[milestone.project_id])
    client.force_login(county["reporter"])
    reporter_tab = open_form(client, page_url, "")  # the row's 实际完成 form
    assert reporter_tab["milestone"] == [str(milestone.pk)]
    client.force_login(county["office"])
    edit_url = reverse("milestone_edit", args=[milestone.project_id, milestone.pk])
    save(client, edit_url, open_form(client, edit_url), planned_date="2026-04-20")
    client.force_login(county["reporter"])

    page = save(client, page_url, reporter_tab, actual_date="2026-04-25")

    assert "节点“施工许可”已被王科长于" in page and "2026-05-01 → 2026-04-20" in page
    milestone.refresh_from_db()
    assert (milestone.actual_date, milestone.planned_date) == (None, date(2026, 4, 20))


def test_an_inspection_edited_from_an_older_tab_is_refused(client, county, other_records):
    supervisor = other_records["supervisor"]
    inspection = inspection_save(
        user=supervisor, title="一季度督查", inspected_on=date(2026, 3, 10), notes="现场查看"
    )
    url = reverse("inspection_edit", args=[inspection.pk])
    client.force_login(supervisor)
    first, second = open_form(client, url), open_form(client, url)

    save(client, url, first, inspectors="张三、李四")
    page = save(client, url, second, notes="现场查看，发现问题2个")

    assert "该督查记录已被赵督查于" in page and "督查人员：空 → 张三、李四" in page
    inspection.refresh_from_db()
    assert (inspection.inspectors, inspection.notes) == ("张三、李四", "现场查看")


def test_a_users_role_changed_from_an_older_page_is_refused_naming_the_change(client, county, cast):
    security = cast.security
    target = county["reporter"]
    url = reverse("security_users")
    action = reverse("security_user_change", args=[target.pk])
    client.force_login(security)
    first, second = open_form(client, url, action), open_form(client, url, action)

    assert "已更新" in save(client, action, first, role=User.Role.LEADER, unit="")
    second.pop("is_active")  # the second tab unticks 启用
    page = save(client, action, second)

    assert (
        f"账号“{target.username}”已被郑保密于" in page and "角色：责任单位填报员 → 县领导" in page
    )
    target.refresh_from_db()
    assert (target.role, target.unit, target.is_active) == (User.Role.LEADER, None, True)


def test_a_sign_in_does_not_make_the_users_page_stale(client, county, cast):
    security = cast.security
    target = county["reporter"]
    action = reverse("security_user_change", args=[target.pk])
    client.force_login(security)
    tab = open_form(client, reverse("security_users"), action)
    Client().force_login(target)  # saves last_login

    save(client, action, tab, role=User.Role.OFFICER, unit="")

    target.refresh_from_db()
    assert target.role == User.Role.OFFICER
