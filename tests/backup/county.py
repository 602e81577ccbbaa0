"""A county that people have used, built through the pages they use: sign-ins (and a
mistyped password) through the login page, a ledger uploaded, previewed and confirmed,
months entered and submitted on the month-entry page with photos, a report returned,
corrected and approved, a month locked, an inspection of two projects, findings answered
with evidence, closed or sent back, a fund application with its documents, two 招商
activities (one with a signed project), a password
changed, an administrator's edit in the admin, and a second upload left in preview."""

import io
from dataclasses import dataclass

from django.contrib.auth.models import Group, Permission
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from PIL import Image

from bonds.models import FundApplication
from investment.models import MonthlyReport, ReportPhoto
from projects.models import AnnualPlan, Project, Unit, User
from promotion.models import Activity
from supervision.models import Evidence, Finding
from tests.backup.pages import form_fields, send, submit
from tests.cast import PASSWORD, Cast
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS, code, xlsx

NEW_PASSWORD = "Weinan#2026b"
YEAR = 2026
HOUSING, TOWNSHIP = "县住建局", "营盘镇"

MILESTONE_HEADERS = ["项目代码", "节点名称", "计划完成日期", "节点类型", "实际完成日期"]
FUND_HEADERS = ["项目代码", "资金类型", "年度", "申报金额(万元)", "批次", "批复金额(万元)"]
FINDING_HEADERS = ["责任单位", "问题描述", "发现日期", "整改时限", "项目代码", "问题类别"]


def ledger() -> bytes:
    """Four projects of two units on the 2025 and 2026 lists, with 2025's months, nodes, a
    fund application and a finding: every sheet of the pinned workbook."""
    projects = [PROJECT_HEADERS]
    reports = [REPORT_HEADERS]
    for serial, (name, unit) in enumerate(
        [
            ("城关污水处理厂", HOUSING),
            ("城关保障房", HOUSING),
            ("营盘公路改建", TOWNSHIP),
            ("营盘农贸市场", TOWNSHIP),
        ],  # fmt: skip
        start=1,
    ):
        for year in (2025, YEAR):
            nature = "新建" if year == 2025 else "续建"
            projects.append([code(serial), name, unit, "县重点", nature, 1200, year,
                             400 + serial, f"{year}-03-0{serial}"])  # fmt: skip
        reports.extend([code(serial), 2025, month, f"{serial}.{month:02d}"] for month in (4, 5, 6))
    return xlsx(
        {
            "项目台账": projects,
            "月度投资": reports,
            "项目节点": [
                MILESTONE_HEADERS,
                [code(1), "施工许可", "2026-02-01", "前期手续", "2026-01-20"],
                [code(3), "路基完工", "2026-08-31", "建设节点", None],
            ],
            "资金申报": [FUND_HEADERS, [code(2), "专项债券", YEAR, 300, "第一批", 200]],
            "督查问题": [
                FINDING_HEADERS,
                [TOWNSHIP, "征迁进度滞后", "2026-05-06", "2026-06-30", code(3), "征迁"],
            ],
            "三个一批": [
                ["期次", "类别", "项目代码", "目标日期"],
                ["2026年第二期", "开工", code(1), "2026-06-30"],
                ["2026年第二期", "签约", code(4), None],
            ],
        }
    )


def photo(colour: tuple[int, int, int]) -> SimpleUploadedFile:
    buffer = io.BytesIO()
    Image.new("RGB", (640, 480), colour).save(buffer, format="JPEG")
    return SimpleUploadedFile("现场.jpg", buffer.getvalue(), content_type="image/jpeg")


def pdf(text: str, name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(
        name, f"%PDF-1.4\n% {text}\n".encode(), content_type="application/pdf"
    )


@dataclass
class People:
    office: Client
    supervisor: Client
    housing: Client  # the 县住建局 reporter
    township: Client  # the 营盘镇 reporter
    admin: Client


def sign_in(username: str, password: str = PASSWORD) -> Client:
    client = Client()
    response = client.post(reverse("login"), {"username": username, "password": password})
    assert response.status_code == 302, f"{username} could not sign in"
    return client


def entry_lines(client: Client, url: str, amounts: dict[str, str], **typed) -> dict:
    """The month-entry form as the page shows it, with an amount typed on the named
    projects' lines (and ``typed`` fields by their line-less name, on every such line)."""
    fields = form_fields(client.get(url).content.decode(), action=url, page_url=url)
    plans = {
        str(plan.pk): plan.project.name
        for plan in AnnualPlan.objects.filter(
            pk__in=[v[0] for k, v in fields.items() if k.endswith("-plan")]
        ).select_related("project")  # fmt: skip
    }
    lines = {}
    for name, values in fields.items():
        if name.endswith("-plan") and plans.get(values[0]) in amounts:
            prefix = name.removesuffix("-plan")
            lines[f"{prefix}-amount"] = amounts[plans[values[0]]]
            lines.update({f"{prefix}-{field}": value for field, value in typed.items()})
    assert len(lines) >= len(amounts), f"not every project of {amounts} is on {url}"
    return lines


def a_used_county(cast: Cast) -> People:
    """The cast at work: the office imports the ledger, both units report, the supervisor
    inspects, everyone signs in through the login form with the cast's password."""
    office_accounts = [cast.officer, cast.second_officer, cast.supervisor, cast.admin]
    assert all(person.has_usable_password() for person in office_accounts)

    # Someone mistypes a name that does not exist (the lockout counter keeps it).
    Client().post(reverse("login"), {"username": "zhangsan", "password": "wrong"})

    office = sign_in(cast.officer.username)
    upload = SimpleUploadedFile("2026年重点项目台账.xlsx", ledger())
    preview = office.post(reverse("ledger_import"), {"file": upload})
    assert preview.status_code == 200 and "确认导入" in preview.content.decode()
    send(office, preview, reverse("ledger_import"), press=("action", "confirm"))
    assert Project.objects.count() == 4

    housing_client = Client()
    housing_client.post(reverse("login"), {"username": cast.reporter.username, "password": "Typo#2026"})  # fmt: skip
    people = People(
        office=office,
        supervisor=sign_in(cast.supervisor.username),
        housing=sign_in(cast.reporter.username),  # 县住建局's
        township=sign_in(cast.other_reporter.username),  # 营盘镇's
        admin=sign_in(cast.admin.username),
    )
    _report_months(people)
    _supervise(people)
    _funds(people)
    _promote(people)
    _housekeeping(people, cast)
    return people


def _report_months(people: People) -> None:
    september = reverse("report_month", args=[YEAR, 9])
    october = reverse("report_month", args=[YEAR, 10])
    housing = people.housing

    # A draft first, then submitted with a photo on the line.
    submit(housing, september, entry_lines(housing, september, {"城关污水处理厂": "35.5"}),
           press=("action", "save"))  # fmt: skip
    lines = entry_lines(housing, september, {"城关污水处理厂": "36.25", "城关保障房": "12"},
                        progress="主体结构施工")  # fmt: skip
    photo_field = next(name for name in lines if name.endswith("-amount")).removesuffix("-amount")
    photo_field += "-photos"
    submit(housing, september, lines | {photo_field: photo((40, 120, 200))},
           press=("action", "submit"))  # fmt: skip
    submit(people.township, september,
           entry_lines(people.township, september, {"营盘公路改建": "80", "营盘农贸市场": "0"},
                       problems="征迁协调未完成", problem_category="relocation"),
           press=("action", "submit"))  # fmt: skip
    assert MonthlyReport.objects.filter(plan__year=YEAR, month=9, status="submitted").count() == 4

    # The office returns one, approves the rest; the unit corrects it and resubmits.
    review = reverse("review_month", args=[YEAR, 9])
    sewage = MonthlyReport.objects.get(
        plan__year=YEAR, month=9, plan__project__name="城关污水处理厂"
    )
    submit(people.office, review, {"reason": "与统计局数据不符，请核实"},
           action=reverse("report_return", args=[sewage.pk]))  # fmt: skip
    for report in MonthlyReport.objects.filter(plan__year=YEAR, month=9, status="submitted"):
        submit(people.office, review, action=reverse("report_approve", args=[report.pk]))
    submit(housing, september, entry_lines(housing, september, {"城关污水处理厂": "36.2"}),
           press=("action", "submit"))  # fmt: skip
    photos_page = reverse("report_photos", args=[sewage.pk])
    submit(housing, photos_page, {"photo": photo((200, 90, 30)), "caption": "管网铺设"})
    submit(people.office, review, action=reverse("report_approve", args=[sewage.pk]))
    assert set(MonthlyReport.objects.filter(plan__year=YEAR, month=9).values_list(
        "status", flat=True)) == {"approved"}  # fmt: skip
    submit(people.office, reverse("period_lock", args=[YEAR, 9]))

    # October: one unit submits, the other leaves a draft.
    submit(housing, october, entry_lines(housing, october, {"城关污水处理厂": "40", "城关保障房": "9.5"}),
           press=("action", "submit"))  # fmt: skip
    submit(people.township, october,
           entry_lines(people.township, october, {"营盘公路改建": "55.75"}),
           press=("action", "save"))  # fmt: skip
    assert ReportPhoto.objects.count() == 2


def _supervise(people: People) -> None:
    supervisor = people.supervisor
    projects = [
        str(pk) for pk in Project.objects.filter(unit__name=HOUSING).values_list("pk", flat=True)
    ]
    created = submit(supervisor, reverse("inspection_create"),
                     {"title": "三季度重点项目督查", "inspected_on": "2026-10-12",
                      "inspectors": "王明、李华", "projects": projects})  # fmt: skip
    inspection = created["Location"].rstrip("/").rsplit("/", 1)[1]
    for description in ("扬尘治理不到位", "施工许可公示缺失"):
        submit(supervisor, reverse("finding_create"),
               {"unit": str(Unit.objects.get(name=HOUSING).pk), "inspection": inspection,
                "description": description, "category": "approval", "found_on": "2026-10-12",
                "clock": "ordinary"})  # fmt: skip
    first, second = Finding.objects.filter(unit__name=HOUSING).order_by("description")
    for finding, files in (
        (first, [pdf("公示照片", "公示.pdf"), pdf("整改报告", "整改报告.pdf")]),
        (second, [pdf("洒水记录", "洒水记录.pdf")]),
    ):
        detail = reverse("finding_detail", args=[finding.pk])
        submit(people.housing, detail, {"note": "已整改到位", "done": "on", "files": files},
               action=reverse("finding_answer", args=[finding.pk]))  # fmt: skip
    submit(supervisor, reverse("finding_detail", args=[first.pk]), {"note": "验收合格"},
           action=reverse("finding_close", args=[first.pk]))  # fmt: skip
    submit(supervisor, reverse("finding_detail", args=[second.pk]), {"reason": "缺少整改前后对比照片"},
           action=reverse("finding_send_back", args=[second.pk]))  # fmt: skip
    township = Finding.objects.get(unit__name=TOWNSHIP)
    submit(people.township, reverse("finding_detail", args=[township.pk]),
           {"note": "已召开协调会", "files": [pdf("会议纪要", "协调会纪要.pdf")]},
           action=reverse("finding_answer", args=[township.pk]))  # fmt: skip
    assert sorted(Finding.objects.values_list("status", flat=True)) == sorted(
        [Finding.Status.CLOSED, Finding.Status.IN_PROGRESS, Finding.Status.IN_PROGRESS]
    )
    assert Evidence.objects.count() == 4


def _funds(people: People) -> None:
    office = people.office
    project = Project.objects.get(name="营盘公路改建")
    created = submit(office, reverse("fund_create"),
                     {"project": str(project.pk), "fund_type": "central_budget", "year": "2026",
                      "batch": "第二批", "requested": "500", "applied_on": "2026-04-10",
                      "approved": "350", "approved_on": "2026-06-18", "note": "发改委批复"})  # fmt: skip
    assert created.status_code == 302, created.content.decode()[:2000]
    for fund in FundApplication.objects.all():
        detail = reverse("fund_detail", args=[fund.pk])
        submit(office, detail, {"files": [pdf(f"批复{fund.pk}", "批复文件.pdf"),
                                          pdf("申报书", "申报书.pdf")]},
               action=reverse("fund_attach", args=[fund.pk]))  # fmt: skip
    assert FundApplication.objects.count() == 2


def _promote(people: People) -> None:
    """县住建局 records a 招商 visit that signed one of its projects; 营盘镇 a reception."""
    project = Project.objects.get(name="城关保障房")
    submit(people.housing, reverse("activity_create"),
           {"held_on": "2026-05-12", "kind": "visit", "led_by": "department",
            "counterpart": "华秦新材料科技有限公司", "place": "西安", "projects": [str(project.pk)]})  # fmt: skip
    submit(people.township, reverse("activity_create"),
           {"held_on": "2026-06-03", "kind": "reception", "led_by": "township",
            "counterpart": "陕商联合会考察团", "batches": "2", "people": "16"})  # fmt: skip
    assert Activity.objects.count() == 2


def _housekeeping(people: People, cast: Cast) -> None:
    # A reporter changes their password (password history, the user's history).
    changed = submit(people.township, reverse("password_change"),
                     {"old_password": PASSWORD, "new_password1": NEW_PASSWORD,
                      "new_password2": NEW_PASSWORD})  # fmt: skip
    assert changed.status_code == 302
    # The administrator renames a unit on 责任单位 (the unit's history names who).
    unit = Unit.objects.get(name=TOWNSHIP)
    submit(people.admin, reverse("unit_edit", args=[unit.pk]),
           {"name": "营盘镇人民政府"})  # fmt: skip
    assert Unit.objects.filter(name="营盘镇人民政府").exists()
    # A superuser (`createsuperuser`) makes a group with a permission in the admin (its rows
    # name permissions by natural key).
    User.objects.create_superuser("root", password=PASSWORD, role=User.Role.ADMIN)
    view_project = Permission.objects.get(codename="view_project")
    submit(sign_in("root"), reverse("admin:auth_group_add"),
           {"name": "项目查看", "permissions": [str(view_project.pk)]})  # fmt: skip
    assert Group.objects.get(name="项目查看").permissions.get() == view_project
    # A second officer previews a ledger and leaves it unconfirmed (a pending upload file).
    office2 = sign_in(cast.second_officer.username)
    office2.post(reverse("ledger_import"),
                 {"file": SimpleUploadedFile("修改稿.xlsx", ledger())})  # fmt: skip
    # The supervisor signs out.
    people.supervisor.post(reverse("logout"))
