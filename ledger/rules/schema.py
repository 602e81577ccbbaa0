"""The pinned Excel ledger workbook of DESIGN.md §4: sheets, headers, coded values.

Import, export and the empty template all read these definitions, so the three can
never disagree about a header.
"""

from dataclasses import dataclass

from django.db.models import TextChoices

from batches.models import Kind as BatchKind
from bonds.models import FundStatus, FundType
from projects.models import FactorCategory, Level, Milestone, Nature, Stage
from supervision.models import Finding

PROJECTS = "项目台账"
REPORTS = "月度投资"
MILESTONES = "项目节点"
FUNDS = "资金申报"
FINDINGS = "督查问题"
BATCHES = "三个一批"
INSTRUCTIONS = "填写说明"  # the template's own guide; skipped on import


@dataclass(frozen=True)
class Sheet:
    name: str
    headers: tuple[str, ...]
    required: frozenset[str]
    note: str


def _sheet(name: str, required: list[str], optional: list[str], note: str) -> Sheet:
    return Sheet(name, tuple(required + optional), frozenset(required), note)


SHEETS: dict[str, Sheet] = {
    sheet.name: sheet
    for sheet in [
        _sheet(
            PROJECTS,
            [
                "项目代码",
                "项目名称",
                "责任单位",
                "项目级别",
                "建设性质",
                "总投资(万元)",
                "年度",
                "年度计划投资(万元)",
            ],
            [
                "行业类别",
                "计划开工日期",
                "计划竣工日期",
                "实际开(复)工日期",
                "包抓领导",
                "是否民间投资",
                "建设内容",
                "项目阶段",
                "纳统日期",
                "服务专员",
                "原总投资(万元)",
                "原计划竣工日期",
                "替换为",
                "签约日期",
                "投产日期",
            ],
            "一个项目一个年度一行；同一项目可列入多个年度，项目信息留空的年度沿用其他年度所填。",
        ),
        _sheet(
            REPORTS,
            ["项目代码", "年度", "月份", "本月完成投资(万元)"],
            ["形象进度", "存在问题"],
            "一个项目一个月一行；项目须已在系统或本表“项目台账”中列入该年度。",
        ),
        _sheet(
            MILESTONES,
            ["项目代码", "节点名称", "计划完成日期"],
            ["节点类型", "实际完成日期", "责任单位"],
            "同一项目的节点名称不能重复；责任单位留空则为项目的责任单位。",
        ),
        _sheet(
            FUNDS,
            ["项目代码", "资金类型", "年度", "申报金额(万元)"],
            ["批次", "批复金额(万元)", "下达金额(万元)", "支出金额(万元)", "状态", "下达日期"],
            "状态留空时按已填写的金额推定。支出金额为累计支出；比已登记的支出明细合计多出的部分，"
            "记为导入当日的一笔支出（按合计调整）。",
        ),
        _sheet(
            FINDINGS,
            ["责任单位", "问题描述", "发现日期", "整改时限"],
            ["项目代码", "问题类别", "整改状态", "销号日期"],
            "整改状态为“已销号”时须填写销号日期。",
        ),
        _sheet(
            BATCHES,
            ["期次", "类别", "项目代码"],
            ["目标日期"],
            "一个期次一个类别一个项目一行；系统中没有的期次按名称新建（写作“2026年第二期”）。",
        ),
    ]
}


def labels_to_values(choices: type[TextChoices]) -> dict[str, str]:
    """Label (as typed in the ledger) → stored value, in the choices' order."""
    return {str(label): value for value, label in choices.choices}


LEVELS = labels_to_values(Level)
STAGES = labels_to_values(Stage)
NATURES = labels_to_values(Nature)
MILESTONE_KINDS = labels_to_values(Milestone.Kind)
FUND_TYPES = labels_to_values(FundType)
FUND_STATUSES = labels_to_values(FundStatus)
CATEGORIES = labels_to_values(FactorCategory)
FINDING_STATUSES = labels_to_values(Finding.Status)
BATCH_KINDS = labels_to_values(BatchKind)

# Coded columns and their accepted values, listed in the template.
CODED_COLUMNS: dict[str, dict[str, str]] = {
    "项目级别": LEVELS,
    "建设性质": NATURES,
    "项目阶段": STAGES,
    "节点类型": MILESTONE_KINDS,
    "资金类型": FUND_TYPES,
    "状态": FUND_STATUSES,
    "问题类别": CATEGORIES,
    "整改状态": FINDING_STATUSES,
    "类别": BATCH_KINDS,
    "是否民间投资": {"是": "是", "否": "否"},
}
