"""Year Y's key projects as an OC4IDS 0.9 project package (DESIGN.md §4 `export_oc4ids`), the one
file the office's download and ``manage.py export_oc4ids`` both give.

The package: ``uri`` (where the office publishes it: ``settings.OC4IDS_PUBLISHED_AT`` + the
year, ``package_uri``), ``publisher`` (the schema requires it beside §4's four keys),
``publishedDate``, ``version`` "0.9" and ``projects``. Each project: ``id`` (``project_id``:
``settings.OC4IDS_ID_PREFIX`` + 项目代码; each setting unset, what the file says instead is
said on the office's page), ``title``, ``description`` (建设内容), ``status``, ``type``, ``sector`` (when mapped),
``period`` (计划开工 – 计划竣工), ``budget`` (总投资 in CNY), ``parties`` and ``publicAuthority``
(the 责任单位), ``identifiers`` (项目代码), ``forecasts`` (the year's 年度计划投资) and
``metrics`` (investment completed in the year and to date, through the month due), ``milestones``
(项目节点), ``completion`` (实际竣工日期 of a project 竣工 or 投产). How each is mapped, and what
is kept out (every person's name, phone and account): `opendata.rules`.
"""

import json
import uuid
from dataclasses import dataclass
from datetime import date, datetime

from django.conf import settings
from django.utils import timezone

from investment.rules import period_end
from opendata import rules
from opendata.selectors import PublishedProject, YearToPublish
from projects.codes import NATIONAL_SHAPE
from projects.models import Milestone


@dataclass(frozen=True)
class Unmapped:
    """A project published without ``sector``: its 行业类别 maps to no projectSector code."""

    pk: int
    code: str
    name: str
    industry: str


@dataclass(frozen=True)
class Gap:
    """What the file leaves out of some projects (``field``, as the page names it), why, and
    which projects: counted from the projects as `package` writes them."""

    field: str
    why: str
    projects: list[Unmapped]


# (the key the standard names, a key inside it or "", what the page calls it, why it is missing);
# 责任单位 (parties, publicAuthority) is never missing: every project has one.
GAP_KEYS: tuple[tuple[str, str, str, str], ...] = (
    ("sector", "", "所属行业", "行业类别对应不到标准行业代码"),
    ("period", "startDate", "计划开工日期", "项目库中未填计划开工日期"),
    ("period", "endDate", "计划竣工日期", "项目库中未填计划竣工日期"),
    ("description", "", "建设内容", "项目库中未填建设内容"),
)


def gaps(data: YearToPublish, published: dict) -> list[Gap]:
    """What ``published`` (`package` of ``data``, the file as downloaded) leaves out, per kind,
    with the projects it leaves it out of; kinds nothing is missing from are not listed."""
    found = []
    for key, inner, name, why in GAP_KEYS:
        missing = [
            Unmapped(item.project.pk, item.project.code, item.project.name, item.project.industry)
            for item, project in zip(data.projects, published["projects"], strict=True)
            if key not in project or (inner and inner not in project[key])
        ]
        if missing:
            found.append(Gap(name, why, missing))
    return found


def gaps_in_projects(found: list[Gap]) -> int:
    """How many projects miss anything (a project missing two things counts once)."""
    return len({project.pk for gap in found for project in gap.projects})


# Who publishes, while OC4IDS_PUBLISHER is unset: the office, by what it is.
PUBLISHER = "县发展和改革局重点项目办公室"


def publisher_name() -> str:
    return settings.OC4IDS_PUBLISHER or PUBLISHER


def project_id(code: str) -> str:
    """A project's ``id``: the registered prefix + its 项目代码, or the 项目代码 alone while
    OC4IDS_ID_PREFIX is unset (unique in the county, not in the world)."""
    return f"{settings.OC4IDS_ID_PREFIX}{code}"


def package(data: YearToPublish, *, now: datetime | None = None) -> dict:
    """The project package of ``data`` (`opendata.selectors.year_to_publish`)."""
    now = now or timezone.now()
    return {
        "uri": package_uri(data.year),
        "publisher": {"name": publisher_name()},
        "publishedDate": rules.moment(now),
        "version": rules.VERSION,
        "projects": [_project(item, data) for item in data.projects],
    }


def package_json(data: YearToPublish, *, now: datetime | None = None) -> bytes:
    """The package as UTF-8 JSON (Chinese as written, not as \\u escapes)."""
    text = json.dumps(package(data, now=now), ensure_ascii=False, indent=2)
    return (text + "\n").encode("utf-8")


def package_uri(year: int) -> str:
    """Where year ``year``'s package is published (OC4IDS_PUBLISHED_AT + /2026.json); while that
    is unset, a name that is no address: a urn:uuid of the publisher and the year, the same at
    every download (the schema asks for a URI, and an address nobody serves would be fake)."""
    if settings.OC4IDS_PUBLISHED_AT:
        return f"{settings.OC4IDS_PUBLISHED_AT.rstrip('/')}/{year}.json"
    return uuid.uuid5(uuid.NAMESPACE_URL, f"oc4ids:{publisher_name()}:{year}").urn


def unmapped(data: YearToPublish) -> list[Unmapped]:
    """The projects published without ``sector`` (the office's page lists them)."""
    return [
        Unmapped(item.project.pk, item.project.code, item.project.name, item.project.industry)
        for item in data.projects
        if not rules.project_sectors(item.project.industry, item.project.name)
    ]


def _project(item: PublishedProject, data: YearToPublish) -> dict:
    project = item.project
    unit = {"id": f"unit-{project.unit_id}", "name": project.unit.name}
    out: dict = {
        "id": project_id(project.code),
        "updated": rules.moment(project.updated_at),
        "language": rules.LANGUAGE,
        "identifiers": [{"id": project.code, "scheme": _code_scheme(project.code)}],
        "title": rules.redact(project.name, data.people),
    }
    if description := rules.redact(project.content, data.people).strip():
        out["description"] = description
    out["status"] = rules.PROJECT_STATUS[project.stage]
    out["type"] = rules.project_type(project.name)
    if sectors := rules.project_sectors(project.industry, project.name):
        out["sector"] = list(sectors)
    out["period"] = _period(project.planned_start, project.planned_end)
    out["budget"] = {"amount": rules.value(project.total_investment)}
    out["parties"] = [{**unit, "roles": list(rules.PARTY_ROLES)}]
    out["publicAuthority"] = unit
    out["forecasts"] = [_financial("年度计划投资", [_planned(item, data)])]
    if data.through is not None:
        out["metrics"] = [_financial("完成投资", _completed(item, data, data.through))]
    if item.milestones:
        out["milestones"] = [_milestone(m, data) for m in item.milestones]
    if project.actual_end and project.stage in rules.COMPLETED_STAGES:
        out["completion"] = {"endDate": rules.ends(project.actual_end)}
    return out


def _code_scheme(code: str) -> str:
    national = NATIONAL_SHAPE.match(code)
    return "全国投资项目在线审批监管平台项目代码" if national else "本地项目代码"


def _period(start: date | None, end: date | None) -> dict[str, str]:
    period = {}
    if start:
        period["startDate"] = rules.starts(start)
    if end:
        period["endDate"] = rules.ends(end)
    return period


def _financial(title: str, observations: list[dict]) -> dict:
    return {"id": "financialProgress", "title": title, "observations": observations}


def _planned(item: PublishedProject, data: YearToPublish) -> dict:
    return {
        "id": f"{data.year}-plan",
        "notes": f"{data.year}年度计划投资",
        "period": _period(date(data.year, 1, 1), period_end(data.year, 12)),
        "value": rules.value(item.plan.planned_investment),
    }


def _completed(item: PublishedProject, data: YearToPublish, through: int) -> list[dict]:
    end = period_end(data.year, through)
    return [
        {
            "id": f"{data.year}-01-{through:02d}",
            "notes": f"{data.year}年1–{through}月完成投资",
            "period": _period(date(data.year, 1, 1), end),
            "value": rules.value(item.completed_in_year),
        },
        {
            "id": f"to-{data.year}-{through:02d}",
            "notes": f"截至{data.year}年{through}月底累计完成投资",
            "period": {"endDate": rules.ends(end)},
            "value": rules.value(item.completed_to_date),
        },
    ]


def _milestone(milestone: Milestone, data: YearToPublish) -> dict:
    out = {"id": str(milestone.pk), "title": rules.redact(milestone.name, data.people)}
    if kind := rules.MILESTONE_TYPE.get(milestone.kind):
        out["type"] = kind
    out["status"] = rules.milestone_status(milestone, data.today)
    out["dueDate"] = rules.ends(milestone.planned_date)
    if out["status"] == "met" and milestone.actual_date:
        out["dateMet"] = rules.starts(milestone.actual_date)
    return out
