"""The prebuilt counties (tests/prebuilt.py) that tests in several modules read; each is a
fixture of every test through tests/conftest.py."""

import io
from datetime import date
from decimal import Decimal

from django.core.files.base import ContentFile
from django.core.management import call_command

from bonds.services import fund_attach, fund_save
from core.uploads import check_attachment
from investment.models import MonthlyReport, QualityFlag, QualityRule, ReportPhoto
from projects.models import Milestone, PasswordResetRequest, Project, Unit, User
from promotion.services import activity_save
from supervision.services import finding_answer, finding_create, inspection_save, notice_issue
from tests.builders import ledger
from tests.cast import Cast
from tests.investment.test_period_due import a_county_in_december
from tests.investment.weights_county import a_county_where_weights_matter
from tests.prebuilt import prebuilt
from tests.quality_county import a_flagged_may
from tests.workbooks import code

DEMO_DAY = date(2026, 12, 3)  # a Thursday: October is due, November's reports are coming in


# What `manage.py seed_demo` printed when it built this process's demo county.
SEEDED: list[str] = []


@prebuilt
def demo_county() -> None:
    """The demo county (ledger/services/demo.py) as `manage.py seed_demo --today` seeds it on
    DEMO_DAY, built once per test process; the command's output is kept in ``SEEDED``."""
    output = io.StringIO()
    call_command("seed_demo", "--today", DEMO_DAY.isoformat(), stdout=output)
    SEEDED[:] = [output.getvalue()]


@prebuilt
def weights_county() -> None:
    """The 2024 county where the ranking weights decide the order
    (tests/investment/weights_county.py)."""
    a_county_where_weights_matter(Cast())


@prebuilt
def december_county() -> None:
    """Three 2026 projects started on 5 January (two of 县住建局, 营盘镇's 营盘公路改建) with
    January to October imported (tests/investment/test_period_due.py)."""
    a_county_in_december()


@prebuilt
def flagged_may_county() -> None:
    """The data-quality tests' county with May sent and 凤凰镇's month flagged
    (tests/quality_county.py)."""
    a_flagged_may(Cast())


@prebuilt
def matrix_county() -> None:
    """The permission matrix's small county (tests/test_permission_matrix.py): two 2024
    projects, 甲 of 县住建局 with a sent March report (a photo, a data-quality flag, a milestone)
    and 乙 of 营盘镇; a fund and a finding with a file on each unit's side, an inspection, a
    notice, a 招商 visit of each unit; every role's person of the cast, a second account with no role and the leader's
    password reset waiting."""
    ledger(
        {
            "项目台账": [
                {"项目代码": code(1), "项目名称": "甲", "责任单位": "县住建局", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
                {"项目代码": code(2), "项目名称": "乙", "责任单位": "营盘镇", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 100, "年度": 2024, "年度计划投资(万元)": 50, "实际开(复)工日期": "2024-01-05"},
            ],
            "月度投资": [{"项目代码": code(1), "年度": 2024, "月份": 3, "本月完成投资(万元)": 5}],
        }
    )  # fmt: skip
    MonthlyReport.objects.update(status=MonthlyReport.Status.SUBMITTED)
    unit = Unit.objects.get(name="县住建局")
    photo = ReportPhoto(report=MonthlyReport.objects.get(), width=1, height=1)
    photo.image.save("p.jpg", ContentFile(b"jpeg"), save=False)
    photo.thumbnail.save("p.jpg", ContentFile(b"jpeg"), save=False)
    photo.save()
    QualityFlag.objects.create(
        report=photo.report, rule=QualityRule.Code.choices[0][0], message="提示",
        amount=5,
    )  # fmt: skip
    cast = Cast()
    users = {role: cast.by_role(role) for role in User.Role.values}  # "none": as 系统管理 makes one
    _supervision_records(users, unit)
    # a second account with no role, whose reset (at once) must not touch the "none" column's
    User.objects.create_user("pending2", role=User.Role.NONE)
    PasswordResetRequest.objects.create(account=users["leader"], requested_by=users["admin"])
    Milestone.objects.create(
        project=Project.objects.get(code=code(1)), name="施工许可", planned_date=date(2024, 6, 1)
    )
    for unit_name in ("县住建局", "营盘镇"):  # a 招商 visit on each unit's side
        activity_save(
            user=users["officer"], held_on=date(2024, 3, 8), kind="visit", led_by="department",
            unit=Unit.objects.get(name=unit_name), counterpart=f"{unit_name}客商",
        )  # fmt: skip


def _supervision_records(users, unit) -> None:
    """A fund and a finding with a file on each unit's side, an inspection and a notice."""
    pdf = [check_attachment("批复.pdf", b"%PDF-1.4 test")]
    for serial, finding_unit in ((1, unit), (2, Unit.objects.get(name="营盘镇"))):
        project = Project.objects.get(code=code(serial))
        fund = fund_save(
            user=users["officer"], project=project, fund_type="special_bond", year=2024,
            requested=Decimal(100),
        )  # fmt: skip
        fund_attach(user=users["officer"], application=fund, files=pdf)
        finding = finding_create(
            user=users["supervisor"], unit=finding_unit, description=f"问题{serial}",
            found_on=date(2024, 3, 1), today=date(2024, 3, 1), deadline=date(2024, 3, 31),
        )  # fmt: skip
        reporter = users["reporter"] if serial == 1 else User.objects.create_user(
            "township", role=User.Role.REPORTER, unit=finding_unit
        )  # fmt: skip
        finding_answer(
            user=reporter, finding=finding, note="已整改", today=date(2024, 3, 2), files=pdf
        )
    inspection_save(user=users["supervisor"], title="督查", inspected_on=date(2024, 3, 1))
    notice_issue(
        user=users["supervisor"], year=2024, period="month", month=3, title="通报",
        opening="正文", content={},
    )  # fmt: skip
