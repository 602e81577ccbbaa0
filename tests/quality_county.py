"""The data-quality tests' county: 县住建局's two projects with four usual months before May.

凤凰镇安置社区配套 and 城关道路改造, 总投资 50,000 万元 each, started 5 January 2024, each with
January–April at 450 万元 (approved, from the ledger): a month typed as 4,500 is ten times the
project's usual, the story of issue 23.
"""

from decimal import Decimal

from investment.services import reports as services
from projects.models import AnnualPlan
from tests.workbooks import load

PHOENIX, ROAD = "2024-510623-47-01-000001", "2024-510623-47-01-000002"
HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "实际开(复)工日期"]  # fmt: skip


def four_usual_months(*, planned: int = 6000) -> None:
    """The two projects on 2024's list with ``planned`` each, and their January–April."""
    projects = [
        [PHOENIX, "凤凰镇安置社区配套", "县住建局", "县重点", "新建", 50000, 2024, planned, "2024-01-05"],
        [ROAD, "城关道路改造", "县住建局", "县重点", "新建", 50000, 2024, planned, "2024-01-05"],
    ]  # fmt: skip
    load(
        {
            "项目台账": [HEADERS, *projects],
            "月度投资": [
                ["项目代码", "年度", "月份", "本月完成投资(万元)", "形象进度"],
                *[[c, 2024, m, 450, f"第{m}月进度"] for c in (PHOENIX, ROAD) for m in range(1, 5)],
            ],
        }
    )


def a_flagged_may(cast) -> None:
    """``four_usual_months``, then May sent by 县住建局's reporter: 凤凰镇安置社区配套 typed as
    4,500 (ten times its usual: flagged) and 城关道路改造 450."""
    four_usual_months()
    for code, amount in ((PHOENIX, "4500"), (ROAD, "450")):
        report = services.report_save(
            plan=AnnualPlan.objects.get(project__code=code),
            month=5,
            user=cast.reporter,
            amount=Decimal(amount),
        )
        services.report_submit(report=report, user=cast.reporter)
