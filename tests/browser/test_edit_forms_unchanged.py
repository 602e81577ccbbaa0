"""Every edit form, opened in Chromium and saved without touching anything, changes nothing.

A form that renders a value the browser cannot show (a date as 2026/02/13 in an
<input type="date">, an amount the number box rounds, a choice missing from its list)
sends back something else, and a clerk who only meant to fix one field silently erases or
changes another. Each entry below is one edit page; another form is one more entry.
"""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal

import pytest
from django.db import models
from django.urls import get_resolver, reverse

from batches.models import Batch, BatchEntry, Kind
from batches.services import batch_save, entries_add
from bonds.models import FundApplication, FundStatus, FundType
from bonds.services import fund_save
from investment.models import BriefingNote
from investment.services.reports import briefing_note_save
from projects.models import AnnualPlan, FactorCategory, Milestone, Project, Stage, Unit, User
from promotion.models import Activity
from promotion.services import activity_save
from supervision.models import Finding, Inspection
from supervision.services import finding_create, inspection_save
from tests.browser.conftest import sign_in
from tests.test_permission_matrix import named_urls
from tests.workbooks import PROJECT_HEADERS, code, load

# Moved by every save whatever the form holds: the lock counter and the time stamps.
MOVES_ON_EVERY_SAVE = {"version", "updated_at"}


def a_county_with_every_field_filled(cast) -> dict:
    """One project of each record kind, every optional field filled, amounts with four
    decimals, multi-line texts, dates in the past, built the way the office builds them."""
    load(
        {
            "项目台账": [
                [*PROJECT_HEADERS, "行业类别", "计划开工日期", "计划竣工日期", "包抓领导",
                 "是否民间投资", "建设内容"],
                [code(1), "城关污水处理厂", "县住建局", "市重点", "续建", "12345.6789", 2026,
                 "2345.6789", "2026-02-13", "市政", "2026-02-13", "2027-11-30", "张副县长",
                 "是", "一期：管网12公里\n二期：处理站"],
                [code(2), "营盘公路改建", "营盘镇", "县重点", "新建", 800, 2026, 300, None],
            ]
        }
    )  # fmt: skip
    project = Project.objects.get(code=code(1))
    other = Project.objects.get(code=code(2))
    township = Unit.objects.get(name="营盘镇")
    # What the ledger does not carry, as the office records it on the project page.
    Project.objects.filter(pk=project.pk).update(
        actual_end=date(2026, 10, 8), service_officer="李专员", stage=Stage.CONSTRUCTION,
        signed_on=date(2025, 12, 1), production_on=date(2026, 11, 30),
    )  # fmt: skip
    AnnualPlan.objects.filter(project=project).update(statistics_date=date(2026, 3, 20))
    people = {
        "office": cast.officer,
        "reporter": cast.reporter,  # 县住建局's
        "supervisor": cast.supervisor,
        "security": cast.security,
    }
    fund = fund_save(
        user=people["office"], project=project, fund_type=FundType.CENTRAL_BUDGET, year=2026,
        batch="第二批", requested=Decimal("1000.1234"), applied_on=date(2026, 1, 5),
        approved=Decimal("800.5678"), approved_on=date(2026, 2, 13),
        allocated=Decimal("600.0001"), allocated_on=date(2026, 3, 1),
        spent=Decimal("123.4500"), spent_on=date(2026, 4, 30),
        status=FundStatus.SPENT, note="已拨付县财政\n待支出",
    )  # fmt: skip
    inspection = inspection_save(
        user=people["supervisor"], title="一季度重点项目督查", inspected_on=date(2026, 3, 10),
        inspectors="张三、李四", notes="现场查看两个项目\n进度偏慢", projects=[project, other],
    )  # fmt: skip
    finding = finding_create(
        user=people["supervisor"], unit=project.unit, project=project, inspection=inspection,
        description="用地手续未办结\n影响开工", category=FactorCategory.LAND,
        found_on=date(2026, 3, 10), today=date(2026, 3, 10), clock=Finding.Clock.TIMETABLE,
        deadline=date(2026, 6, 30),
    )  # fmt: skip
    milestone = Milestone.objects.create(
        project=project, name="施工许可", kind=Milestone.Kind.APPROVAL,
        planned_date=date(2026, 2, 13), actual_date=date(2026, 2, 20), unit=township,
    )  # fmt: skip
    note = briefing_note_save(
        user=people["office"], year=2026, period="month", month=3,
        next_steps="一、抓开工\n二、抓资金",
    )  # fmt: skip
    activity = activity_save(
        user=people["reporter"], held_on=date(2026, 2, 13), kind="reception", led_by="leader",
        leader="张副县长", unit=project.unit, counterpart="长三角企业家考察团", place="县产业园区",
        batches=2, people=18, outcome="考察园区\n达成投资意向", projects=[project],
        today=date(2026, 3, 1),
    )  # fmt: skip
    batch = batch_save(user=people["office"], name="2026年第二期", year=2026, quarter=2,
                       note="省发改委下达\n第二批")  # fmt: skip
    (entry,) = entries_add(user=people["office"], batch=batch, kind=Kind.START, projects=[project],
                           target_date=date(2026, 6, 30))  # fmt: skip
    return people | {
        "activity": activity,
        "batch": batch,
        "batch_entry": entry,
        "project": project,
        "plan": AnnualPlan.objects.get(project=project),
        "fund": fund,
        "inspection": inspection,
        "finding": finding,
        "milestone": milestone,
        "note": note,
        "user": cast.other_reporter,  # 营盘镇's, whose role 安全管理 shows
        "unit": township,
    }


def a_county_with_optional_fields_blank(cast) -> dict:
    """The same records with every optional field empty: a blank date, amount, choice or
    text must come back blank (a select without an empty choice would send its first one)."""
    county = a_county_with_every_field_filled(cast)
    Project.objects.filter(pk=county["project"].pk).update(
        industry="", planned_start=None, planned_end=None, actual_end=None, leader="",
        service_officer="", is_private=False, content="", signed_on=None, production_on=None,
    )  # fmt: skip
    Batch.objects.filter(pk=county["batch"].pk).update(note="")
    BatchEntry.objects.filter(pk=county["batch_entry"].pk).update(target_date=None)
    AnnualPlan.objects.filter(pk=county["plan"].pk).update(actual_start=None, statistics_date=None)
    FundApplication.objects.filter(pk=county["fund"].pk).update(
        batch="", applied_on=None, approved=None, approved_on=None, allocated=None,
        allocated_on=None, spent=None, spent_on=None, status=FundStatus.RESERVE, note="",
    )  # fmt: skip
    Inspection.objects.filter(pk=county["inspection"].pk).update(inspectors="", notes="")
    county["inspection"].projects.clear()
    Finding.objects.filter(pk=county["finding"].pk).update(
        project=None, inspection=None, clock=Finding.Clock.NONE
    )
    Milestone.objects.filter(pk=county["milestone"].pk).update(actual_date=None, unit=None)
    BriefingNote.objects.filter(pk=county["note"].pk).update(next_steps="")
    Activity.objects.filter(pk=county["activity"].pk).update(
        kind="visit", led_by="department", leader="", place="", batches=None, people=None,
        outcome="",
    )  # fmt: skip
    county["activity"].projects.clear()
    User.objects.filter(pk=county["user"].pk).update(
        role=User.Role.LEADER, unit=None, is_active=False
    )
    return county


COUNTIES = {
    "filled": a_county_with_every_field_filled,
    "blank": a_county_with_optional_fields_blank,
}


@dataclass(frozen=True)
class EditForm:
    """One edit page: who opens it, the page (URL name and arguments), the form on it to
    save (a CSS selector; by default the page's own form), and the row it edits."""

    label: str
    user: str
    record: str
    url_name: str
    args: Callable[[dict], list] = lambda county: []
    query: str = ""
    form: Callable[[dict], str] = lambda county: "main form[method=post]"

    def url(self, county: dict) -> str:
        return reverse(self.url_name, args=self.args(county)) + self.query


EDIT_FORMS = [
    EditForm("项目", "office", "project", "project_edit", lambda c: [c["project"].pk]),
    EditForm("年度计划（项目办）", "office", "plan", "plan_edit", lambda c: [c["project"].pk, 2026]),
    EditForm(
        "年度计划（本单位填报员）", "reporter", "plan", "plan_edit", lambda c: [c["project"].pk, 2026]
    ),
    EditForm(
        "项目节点", "office", "milestone", "milestone_edit",
        lambda c: [c["project"].pk, c["milestone"].pk],
    ),
    EditForm(
        "节点实际完成日期（填报员）", "reporter", "milestone", "milestones",
        lambda c: [c["project"].pk],
        form=lambda c: f"form:has(input[name=milestone][value='{c['milestone'].pk}'])",
    ),
    EditForm("资金申报", "office", "fund", "fund_edit", lambda c: [c["fund"].pk]),
    EditForm("督查问题", "supervisor", "finding", "finding_edit", lambda c: [c["finding"].pk]),
    EditForm(
        "督查记录", "supervisor", "inspection", "inspection_edit", lambda c: [c["inspection"].pk]
    ),
    EditForm(
        "下步工作打算", "office", "note", "briefing", query="?kind=month&year=2026&month=3",
        form=lambda c: "form[method=post]:has(textarea[name=next_steps])",
    ),
    EditForm("责任单位", "office", "unit", "unit_edit", lambda c: [c["unit"].pk]),
    EditForm("三个一批期次", "office", "batch", "batch_edit", lambda c: [c["batch"].pk]),
    EditForm(
        "三个一批目标日期", "office", "batch_entry", "batch_entry_edit",
        lambda c: [c["batch_entry"].pk],
    ),
    EditForm(
        "招商引资活动（本单位填报员）", "reporter", "activity", "activity_edit",
        lambda c: [c["activity"].pk],
    ),
    EditForm(
        "用户角色（安全管理）", "security", "user", "security_users",
        form=lambda c: "form:has(select[name=role])"
        f"[action='{reverse('security_user_change', args=[c['user'].pk])}']",
    ),
]  # fmt: skip


def stored(record: models.Model) -> dict:
    """Every stored field of the row (many-to-many included), as read back from the database."""
    row = type(record)._default_manager.get(pk=record.pk)
    values = {
        field.attname: getattr(row, field.attname)
        for field in row._meta.concrete_fields
        if field.name not in MOVES_ON_EVERY_SAVE
    }
    for field in row._meta.many_to_many:
        values[field.name] = sorted(getattr(row, field.name).values_list("pk", flat=True))
    return values


@pytest.mark.parametrize("fields", COUNTIES)
@pytest.mark.parametrize("edit", EDIT_FORMS, ids=[edit.label for edit in EDIT_FORMS])
def test_an_edit_form_saved_unchanged_in_chromium_changes_nothing(tab, edit, fields, cast):
    county = COUNTIES[fields](cast)
    record = county[edit.record]
    before = stored(record)
    version = getattr(type(record)._default_manager.get(pk=record.pk), "version", None)
    history = record.history.count() if hasattr(record, "history") else None
    sign_in(tab, county[edit.user])
    page = tab.page

    response = page.goto(edit.url(county))
    assert response.status == 200, edit.label
    form = page.locator(edit.form(county))
    assert form.count() == 1, f"{edit.label}: no single form matches {edit.form(county)}"
    with page.expect_navigation():
        form.locator("button[type=submit]").first.click()

    problems = page.locator("main .error, .messages .error").all_inner_texts()
    assert problems == [], f"{edit.label}: the unchanged form was refused: {problems}"
    assert page.locator(".messages .success").count() == 1, f"{edit.label}: not saved"
    assert stored(record) == before, edit.label
    # Nothing written at all: no new version, no history row (and so no "what changed" to
    # blame on the next person who edits it).
    if version is not None:
        assert type(record)._default_manager.get(pk=record.pk).version == version, edit.label
    if history is not None:
        assert record.history.count() == history, edit.label
    assert tab.problems == []


def test_every_edit_page_of_the_app_has_an_entry():
    """A new edit page (a URL named …_edit) fails here until it is added to EDIT_FORMS."""
    edit_pages = {name for name in named_urls(get_resolver().url_patterns) if "edit" in name}
    assert edit_pages <= {edit.url_name for edit in EDIT_FORMS}
