"""Our fields a template's column can be mapped to: the one list, declared once.

Each field is a key, the label the office picks it by, its kind (how a cell writes it: text, an
amount in 万元, a rate in percent, a date) and the words a header uses for it, by which a new
template's columns are first guessed (the office confirms or changes every guess). The values
come from `upstream.selectors.covered_rows`, which reads each through the existing rules and
selectors for the period (tests hold its keys equal to this list). Besides a field a column may
be given a fixed text, the row number (序号), or nothing.
"""

import re
from dataclasses import dataclass
from enum import StrEnum


class Kind(StrEnum):
    TEXT = "text"
    AMOUNT = "amount"  # 万元, Decimal
    RATE = "rate"  # percent, Decimal rounded as machine output (2 places)
    DATE = "date"


@dataclass(frozen=True)
class Field:
    key: str
    label: str
    kind: Kind
    words: tuple[str, ...]  # what a header says for it; the longest match wins the guess


FIELDS: tuple[Field, ...] = (
    Field("code", "项目代码", Kind.TEXT, ("项目代码", "项目编码", "统一代码", "代码")),
    Field("name", "项目名称", Kind.TEXT, ("项目名称", "名称")),
    Field("unit", "责任单位", Kind.TEXT, ("责任单位", "牵头单位", "责任部门")),
    Field("level", "项目级别", Kind.TEXT, ("项目级别", "级别")),
    Field("nature", "建设性质", Kind.TEXT, ("建设性质", "性质")),
    Field("industry", "行业类别", Kind.TEXT, ("行业类别", "行业", "产业")),
    Field("content", "建设内容", Kind.TEXT, ("建设内容", "建设规模")),
    Field("total", "总投资(万元)", Kind.AMOUNT, ("总投资",)),
    Field("plan", "年度计划投资(万元)", Kind.AMOUNT, ("年度计划投资", "计划投资", "年计划", "年度计划")),
    Field("month", "本月完成投资(万元)", Kind.AMOUNT, ("本月完成", "当月完成", "本月投资", "本月")),
    Field("cumulative", "本年累计完成投资(万元)", Kind.AMOUNT, ("本月累计", "至本月", "累计完成", "本年完成", "累计")),
    Field("rate", "年度投资完成率(%)", Kind.RATE, ("完成率", "占年度计划", "占年计划", "完成比例")),
    Field("ahead", "超序时进度(个百分点)", Kind.RATE, ("序时进度", "序时")),
    Field("planned_start", "计划开工日期", Kind.DATE, ("计划开工",)),
    Field("actual_start", "实际开(复)工日期", Kind.DATE, ("实际开工", "开复工", "开工时间", "开工日期")),
    Field("planned_end", "计划竣工日期", Kind.DATE, ("计划竣工", "竣工时间", "竣工日期")),
    Field("stage", "项目阶段", Kind.TEXT, ("项目阶段", "所处阶段")),
    Field("progress", "形象进度", Kind.TEXT, ("形象进度", "进展情况", "工程进度", "建设进度")),
    Field("problems", "存在问题", Kind.TEXT, ("存在问题", "问题", "困难")),
    Field("leader", "包抓领导", Kind.TEXT, ("包抓领导", "包抓", "联系领导", "县级领导")),
    Field("officer", "服务专员", Kind.TEXT, ("服务专员", "首席服务员")),
    Field("statistics_date", "纳统日期", Kind.DATE, ("纳统",)),
    Field("private", "是否民间投资", Kind.TEXT, ("民间投资",)),
)  # fmt: skip
FIELD = {field.key: field for field in FIELDS}

# A column's other sources.
BLANK, SERIAL, TEXT = "blank", "serial", "text"
OTHER_SOURCES = ((BLANK, "留空"), (SERIAL, "序号（行号）"), (TEXT, "固定文字"))
SOURCE_CHOICES = (*OTHER_SOURCES, *((field.key, field.label) for field in FIELDS))
SERIAL_WORDS = ("序号", "编号")


def plain(header: str) -> str:
    """A header as compared: no spaces or line breaks, full-width brackets read as ASCII."""
    text = re.sub(r"\s+", "", header or "")
    return text.replace("（", "(").replace("）", ")")


def guess_source(header: str) -> str:
    """The source a column with this header most likely wants: 序号, else the field whose word
    is the longest found in the header's last part (本年完成投资/本月 is 本月, not 本年完成), then
    in the whole header (the first field listed on a tie), else blank."""
    text = plain(header)
    last = text.split("/")[-1]
    if last in SERIAL_WORDS:
        return SERIAL
    return _best(last) or _best(text) or BLANK


def _best(text: str) -> str:
    best, length = "", 0
    for field in FIELDS:
        for word in field.words:
            if word in text and len(word) > length:
                best, length = field.key, len(word)
    return best


def period_text(text: str, *, year: int, month: int) -> str:
    """A fixed text with the period put in: {年} → 2026, {月} → 10."""
    return text.replace("{年}", str(year)).replace("{月}", str(month))


def cell_value(source: str, text: str, row: dict, *, serial: int, year: int, month: int) -> object:
    """What a column whose cells come from ``source`` holds on the ``serial``-th project's row
    (``row``: that project's fields): the field's value, the fixed text with its period, the
    row number, or nothing. The preview and the download both ask this."""
    if source == SERIAL:
        return serial
    if source == TEXT:
        return period_text(text, year=year, month=month)
    if source in FIELD:
        return row.get(source)
    return None
