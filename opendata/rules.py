"""How our register says a project in OC4IDS 0.9 (Open Contracting for Infrastructure Data
Standard, 0.9.5, the latest 0.9), each term mapped once; `documents/package.py` applies them.

- status (closed codelist projectStatus): our 项目阶段, `PROJECT_STATUS`.
- type (closed codelist projectType): what the project does to an asset, read from its name
  (`project_type`). 建设性质 (新建/续建) is not that: it says whether the work began this year or
  continues from an earlier year's list, and a 续建 road is still the construction of a road;
  so 新建 and 续建 both give ``construction`` unless the name says 改造, 扩建, 迁建 ….
- sector (open codelist projectSector, codes from the list only): our 行业类别 (`INDUSTRY_SECTORS`);
  a broad 行业类别 (城建, 社会事业 …) or a blank one is read from the project's name
  (`NAME_SECTORS`). A project neither gives is *unmapped*: it is published without ``sector``
  and the office's page lists it with its 行业类别, so the office can correct the 行业类别
  (`project_sectors` answers ``()``).
- milestone type (open codelist milestoneType): 前期手续 → approval, 建设节点 → delivery,
  其他 → none given; status (closed codelist milestoneStatus): done → met, past its 计划完成日期
  and not done → notMet (`projects.deadlines`' 逾期), else scheduled.
- amounts: 万元 × 10,000 in CNY, a whole number of yuan (our 4 decimals of 万元 are yuan).
- dates: the standard's date-time, in the server's time zone; a day that starts something is
  written as its first second, a day that ends or is due as its last.
- personal data (none is published): no 包抓领导, 服务专员, user, phone or account; free text
  (建设内容, a milestone's name) is published through `redact`, which blanks phone numbers
  and the names of the people the register knows.
"""

import re
import unicodedata
from collections.abc import Iterable
from datetime import date, datetime, time
from decimal import Decimal

from django.utils import timezone

from core.formatting import wan_text
from projects.models import Milestone, Stage

VERSION = "0.9"  # major.minor, as the package's ``version`` says it
CURRENCY = "CNY"
LANGUAGE = "zh"
YUAN_PER_WAN = 10_000
ID_PREFIX_SHAPE = re.compile(r"oc4ids-[a-z0-9]{6}-")  # a registered project identifier prefix

PROJECT_STATUS: dict[str, str] = {
    Stage.RESERVE: "identification",
    Stage.PREPARATION: "preparation",
    Stage.CONSTRUCTION: "implementation",
    Stage.COMPLETED: "completion",  # 竣工: handed over, closing out
    Stage.OPERATING: "maintenance",  # 投产: in operation, the day-to-day running of the asset
    Stage.REPLACED: "cancelled",  # 替换: swapped for another project, never built here
}

# The name's word for what is done to an asset, checked in this order; none: construction.
PROJECT_TYPES: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("expansion", ("扩建", "扩容", "延伸", "拓宽")),
    ("replacement", ("迁建", "重建")),
    ("rehabilitation", ("改造", "改建", "提升", "加固", "修复", "整治", "提标", "巩固")),
)

# 行业类别 → projectSector codes (a subsector with its parent, as the codelist asks).
INDUSTRY_SECTORS: dict[str, tuple[str, ...]] = {
    "交通": ("transport",),
    "公路": ("transport", "transport.road"),
    "铁路": ("transport", "transport.rail"),
    "民航": ("transport", "transport.air"),
    "水运": ("transport", "transport.water"),
    "能源": ("energy",),
    "电力": ("energy",),
    "水利": ("naturalResources",),
    "生态环保": ("naturalResources",),
    "林业": ("naturalResources",),
    "文旅": ("cultureSportsAndRecreation",),
    "文化旅游": ("cultureSportsAndRecreation",),
    "体育": ("cultureSportsAndRecreation",),
    "教育": ("education",),
    "卫生": ("health",),
    "医疗卫生": ("health",),
    "农业": ("economy",),
    "工业": ("economy",),
    "服务业": ("economy",),
    "商贸物流": ("economy",),
    "保障性住房": ("socialHousing",),
    "信息化": ("communications",),
    "新型基础设施": ("communications",),
    "政务": ("governance",),
}
# 行业类别 too broad for one sector: the project's name decides (so does a blank 行业类别).
BROAD_INDUSTRIES = frozenset({"", "城建", "市政", "社会事业", "社会民生", "民生", "基础设施"})
# The name's words, checked in this order (路灯 is energy before 路 is a road).
NAME_SECTORS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (("学校", "小学", "中学", "幼儿园", "教育", "教学"), ("education",)),
    (("医院", "卫生", "疾病预防", "妇幼", "养老", "福利院"), ("health",)),
    (("住房", "公寓", "棚户", "老旧小区", "安置"), ("socialHousing",)),
    (("污水", "雨污", "供水", "饮水", "垃圾", "公厕", "管网", "管廊"), ("waterAndWaste",)),
    (("光伏",), ("energy", "energy.solar")),
    (("风电",), ("energy", "energy.wind")),
    (("供热", "燃气", "天然气", "电网", "输变电", "充电", "路灯"), ("energy",)),
    (("停车", "公交", "客运"), ("transport", "transport.urban")),
    (("道路", "路网", "公路", "桥", "路"), ("transport", "transport.road")),
    (("5G", "新型基础设施", "实景三维", "智慧", "信息化"), ("communications",)),
    (("公园", "文化", "图书馆", "景区", "旅游", "体育"), ("cultureSportsAndRecreation",)),
    (("政务", "应急", "便民", "殡仪", "服务中心"), ("governance",)),
    (("商业", "市场", "商贸", "物流", "产业"), ("economy",)),
)

# The stages whose 实际竣工日期 is the project's completion date.
COMPLETED_STAGES = frozenset({Stage.COMPLETED, Stage.OPERATING})

MILESTONE_TYPE: dict[str, str] = {
    Milestone.Kind.APPROVAL: "approval",  # 前期手续: 立项, 环评, 用地, 规划, 施工许可 …
    Milestone.Kind.CONSTRUCTION: "delivery",  # 建设节点: a part of the works delivered
}

PARTY_ROLES = ("publicAuthority", "administrativeEntity")  # the 责任单位's roles

# Phone numbers as clerks type them: mobiles (13812345678, 138-1234-5678, 138.1234.5678,
# +86 …) and landlines with an area code (0915-5321001, (0915)5321001, 0915 532 1001); read
# after `FOLDED` (full-width digits as a Chinese input method types them are ordinary ones).
PHONE = re.compile(
    r"(?<![0-9])(?:\+?86[-. ]?)?(?:1[3-9][0-9](?:[-. ]?[0-9]{4}){2}"
    r"|[(（]?0[0-9]{2,3}[)）]?[-. ]?[0-9]{3,4}[-. ]?[0-9]{4})(?![0-9])"
)
# Other numbers and addresses that name a person: an identity card number (18 characters, the
# last a digit or X), a bank card or account (16 to 19 digits, in groups or not), an e-mail.
IDENTITY = re.compile(r"(?<![0-9A-Za-z])[1-9][0-9]{16}[0-9Xx](?![0-9A-Za-z])")
ACCOUNT = re.compile(r"(?<![0-9])[0-9](?: ?[0-9]){15,18}(?![0-9])")  # not a 项目代码's hyphens
EMAIL = re.compile(r"[A-Za-z0-9._%+-]+@[A-Za-z0-9-]+(?:\.[A-Za-z0-9-]+)+")
# Full-width digits and the signs around them, published as ordinary ones (the rest of the
# text, its Chinese punctuation included, is published as typed).
FOLDED = str.maketrans(
    {chr(0xFF10 + n): str(n) for n in range(10)}
    | {"－": "-", "＋": "+", "．": ".", "＠": "@", "Ｘ": "X", "ｘ": "x"}
)
BLANKED = "＊＊"
SHORTEST_NAME = 2  # a one-character "name" would blank ordinary words


def project_type(name: str) -> str:
    """The projectType code of a project called ``name``."""
    for code, words in PROJECT_TYPES:
        if any(word in name for word in words):
            return code
    return "construction"


def project_sectors(industry: str, name: str) -> tuple[str, ...]:
    """The projectSector codes of a project of 行业类别 ``industry`` called ``name``; ``()``
    when neither says one (unmapped: published without ``sector``)."""
    industry = industry.strip()
    if industry in INDUSTRY_SECTORS:
        return INDUSTRY_SECTORS[industry]
    if industry not in BROAD_INDUSTRIES and industry:
        return ()
    for words, codes in NAME_SECTORS:
        if any(word in name for word in words):
            return codes
    return ()


def milestone_status(milestone: Milestone, today: date) -> str:
    """met, notMet (逾期 on ``today``) or scheduled."""
    if milestone.actual_date is not None and milestone.actual_date <= today:
        return "met"
    return "notMet" if milestone.late_on(today) else "scheduled"


def yuan(amount_wan: Decimal) -> int:
    """An amount in 万元 (4 decimals at most, DESIGN.md §3) as whole yuan."""
    value = amount_wan * YUAN_PER_WAN
    if value != value.to_integral_value():
        raise ValueError(f"{wan_text(amount_wan)} is not a whole number of yuan")
    return int(value)


def value(amount_wan: Decimal) -> dict[str, object]:
    """The standard's Value object of an amount in 万元."""
    return {"amount": yuan(amount_wan), "currency": CURRENCY}


def starts(day: date) -> str:
    """A day that starts something, as the standard's date-time (its first second)."""
    return datetime.combine(day, time.min, tzinfo=timezone.get_current_timezone()).isoformat()


def ends(day: date) -> str:
    """A day that ends something or is due, as the standard's date-time (its last second)."""
    last = time(23, 59, 59)
    return datetime.combine(day, last, tzinfo=timezone.get_current_timezone()).isoformat()


def moment(at: datetime) -> str:
    """A moment as the standard's date-time, to the second, in the server's time zone."""
    return timezone.localtime(at).replace(microsecond=0).isoformat()


def redact(text: str, people: Iterable[str]) -> str:
    """``text`` with phone numbers, identity card numbers, bank accounts, e-mail addresses and
    the names in ``people`` blanked; read without its
    invisible characters (a zero-width space inside a name, a bidi control: Unicode Cf) and
    with full-width digits as ordinary ones, so neither hides a name or a number."""
    text = "".join(ch for ch in text if unicodedata.category(ch) != "Cf").translate(FOLDED)
    for pattern in (EMAIL, IDENTITY, ACCOUNT, PHONE):
        text = pattern.sub(BLANKED, text)
    for name in sorted({p.strip() for p in people}, key=len, reverse=True):
        if len(name) >= SHORTEST_NAME:
            text = text.replace(name, BLANKED)
    return text
