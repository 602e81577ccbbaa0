"""开放数据 (DESIGN.md §4 `export_oc4ids`): a year's projects as an OC4IDS 0.9 project package.

The standard's published rules the output is held to are written here, not loaded from a copy
of its schema: the package's and a project's required fields, the formats (date-time, uri,
"major.minor", numbers) and the closed codelists, and the codes of the open codelists we use
(OC4IDS 0.9.5, schema/project-level/ of open-contracting/infrastructure: project-package-
schema.json, project-schema.json, codelists/*.csv)."""

import json
import re
import subprocess
import sys
from datetime import datetime
from decimal import Decimal
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import time_machine
from django.conf import settings
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test import override_settings
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from audit.models import AuditEntry
from ledger.services.demo import DEMO_PHONES, LEADERS, unit_reporters
from opendata.documents.package import PUBLISHER, package, package_uri
from opendata.selectors import year_to_publish
from projects.models import AnnualPlan, Project, User
from tests.workbooks import a_portfolio, code, load

ROOT = Path(__file__).resolve().parents[2]

# --- the standard, as published -------------------------------------------------------------

PACKAGE_REQUIRED = {"uri", "publisher", "publishedDate", "projects", "version"}
# A project's one required field is its id; DESIGN.md §4 asks these of ours as well (and
# ``sector``, which a project whose 行业类别 maps to no code goes without: opendata.rules).
PROJECT_REQUIRED = {"id", "title", "status", "period", "budget", "parties", "publicAuthority"}
VERSION_SHAPE = re.compile(r"^(\d+\.)(\d+)$")  # project-package-schema.json: version
# Closed codelists (the schema's enum): nothing else is valid.
PROJECT_STATUS = {"identification", "preparation", "implementation", "completion", "maintenance",
                  "decommissioning", "decommissioned", "cancelled"}  # fmt: skip
PROJECT_TYPE = {"construction", "rehabilitation", "replacement", "expansion", "decommissioning"}
MILESTONE_STATUS = {"scheduled", "met", "notMet", "partiallyMet"}
CURRENCY = {"CNY"}  # of ISO 4217's currency codelist, the one a Chinese county's amounts are in
# Open codelists: we publish their codes only.
PROJECT_SECTOR = {
    "education", "health", "energy", "energy.solar", "energy.wind", "energy.hydropower",
    "energy.biomass", "energy.geothermal", "communications", "waterAndWaste", "governance",
    "economy", "cultureSportsAndRecreation", "transport", "transport.air", "transport.water",
    "transport.rail", "transport.road", "transport.urban", "transport.lowCarbon",
    "socialHousing", "naturalResources", "naturalResources.floodProtection",
}  # fmt: skip
PARTY_ROLE = {
    "buyer", "procuringEntity", "supplier", "tenderer", "funder", "enquirer", "payer", "payee",
    "reviewBody", "interestedParty", "publicAuthority", "administrativeEntity",
    "climateFinanceFocalPoint", "independentMonitor",
}  # fmt: skip
MILESTONE_TYPE = {"preProcurement", "approval", "engagement", "assessment", "delivery",
                  "reporting", "financing", "payment", "procurement", "contractClose"}  # fmt: skip
METRIC_ID = {"financialProgress", "physicalProgress"}
# The fields of each object we write, as the schema names them (a misspelt field is no error
# to a permissive schema, so it is one here).
FIELDS = {
    "project": {
        "id",
        "updated",
        "language",
        "identifiers",
        "publicAuthority",
        "title",
        "description",
        "budget",
        "period",
        "status",
        "type",
        "sector",
        "parties",
        "forecasts",
        "metrics",
        "milestones",
        "completion",
    },  # fmt: skip
    "period": {"startDate", "endDate", "maxExtentDate", "durationInDays"},
    "value": {"amount", "currency"},
    "organization": {"id", "name", "roles"},
    "reference": {"id", "name"},
    "identifier": {"id", "scheme"},
    "metric": {"id", "title", "description", "observations"},
    "observation": {"id", "period", "value", "measure", "unit", "dimensions", "notes"},
    "milestone": {
        "id",
        "title",
        "type",
        "description",
        "code",
        "dueDate",
        "dateMet",
        "dateModified",
        "status",
        "value",
    },  # fmt: skip
    "completion": {"endDate", "endDateDetails", "finalValue", "finalValueDetails"},
}


URN_UUID = re.compile(r"urn:uuid:[0-9a-f]{8}(-[0-9a-f]{4}){3}-[0-9a-f]{12}")  # a URI, no address
PREFIX = "oc4ids-k9x2mq-"  # a registered prefix's shape
PUBLISHED_AT = "https://fgj.county.gov.cn/opendata/oc4ids"


def is_date_time(text: object) -> bool:
    """RFC 3339 date-time, with its offset (JSON Schema's "date-time")."""
    if not isinstance(text, str) or not re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d.*", text):
        return False
    return datetime.fromisoformat(text).tzinfo is not None


def problems_of(package: dict) -> list[str]:
    """Where ``package`` breaks the standard's rules above (none: an empty list)."""
    found = [f"package: {key} missing" for key in PACKAGE_REQUIRED - package.keys()]
    found += [] if VERSION_SHAPE.match(package["version"]) else ["version not major.minor"]
    found += [] if package["version"] == "0.9" else [f"version {package['version']}"]
    uri = urlsplit(package["uri"])
    address = uri.scheme in ("http", "https") and uri.netloc
    found += [] if address or URN_UUID.fullmatch(package["uri"]) else ["uri not a URI"]
    found += [] if is_date_time(package["publishedDate"]) else ["publishedDate"]
    found += [] if package["publisher"].get("name") else ["publisher.name"]
    found += [] if package["projects"] else ["no projects (minItems 1)"]
    ids = [project.get("id") for project in package["projects"]]
    found += [] if len(ids) == len(set(ids)) else ["project ids not unique"]
    for project in package["projects"]:
        found += [f"{project.get('id')}: {problem}" for problem in _project_problems(project)]
    return found


def _project_problems(p: dict) -> list[str]:
    found = _fields("project", p) + [f"{key} missing" for key in PROJECT_REQUIRED - p.keys()]
    if not (isinstance(p.get("id"), str) and p["id"]):
        return found + ["id missing"]
    found += [] if p["id"].startswith(settings.OC4IDS_ID_PREFIX) else ["id without the prefix"]
    found += [] if is_date_time(p.get("updated")) else ["updated"]
    for key in ("title", "description", "language"):
        if key in p and not (isinstance(p[key], str) and p[key]):
            found.append(f"{key} empty")
    found += [] if p.get("status") in PROJECT_STATUS else [f"status {p.get('status')}"]
    found += [] if p.get("type") in PROJECT_TYPE else [f"type {p.get('type')}"]
    if "sector" in p:
        found += _array(p["sector"], "sector")
        found += [f"sector {s}" for s in p["sector"] if s not in PROJECT_SECTOR]
        found += [f"sector {s} without {s.split('.')[0]}" for s in p["sector"]
                  if "." in s and s.split(".")[0] not in p["sector"]]  # fmt: skip
    found += _period(p.get("period", {}), "period")
    found += _value(p["budget"]["amount"], "budget")
    found += _array(p["identifiers"], "identifiers") if "identifiers" in p else []
    found += [problem for i in p.get("identifiers", []) for problem in _fields("identifier", i)]
    found += _array(p.get("parties", []), "parties")
    for party in p.get("parties", []):
        found += _fields("organization", party) + _array(party.get("roles", []), "roles")
        found += [f"role {role}" for role in party.get("roles", []) if role not in PARTY_ROLE]
    authority = p.get("publicAuthority", {})
    found += _fields("reference", authority)
    named = [party for party in p.get("parties", []) if party.get("id") == authority.get("id")]
    if (
        not named
        or "publicAuthority" not in named[0]["roles"]
        or named[0]["name"] != authority.get("name")
    ):
        found.append("publicAuthority is not a party with the role publicAuthority")
    for key in ("forecasts", "metrics"):
        if key in p:
            found += _array(p[key], key)
            found += [problem for metric in p[key] for problem in _metric(metric)]
    if "milestones" in p:
        found += _array(p["milestones"], "milestones")
        found += [problem for m in p["milestones"] for problem in _milestone(m)]
    if "completion" in p:
        found += _fields("completion", p["completion"])
        found += [] if is_date_time(p["completion"]["endDate"]) else ["completion.endDate"]
    return found


def _fields(kind: str, obj: dict) -> list[str]:
    return [f"{kind}: unknown field {key}" for key in obj.keys() - FIELDS[kind]]


def _array(items: list, name: str) -> list[str]:
    """minItems 1 and uniqueItems, as the schema's arrays say."""
    if not items:
        return [f"{name}: empty"]
    dumped = [json.dumps(item, sort_keys=True) for item in items]
    return [] if len(dumped) == len(set(dumped)) else [f"{name}: repeated items"]


def _period(period: dict, name: str) -> list[str]:
    return _fields("period", period) + [
        f"{name}.{key}" for key in ("startDate", "endDate") if key in period and not is_date_time(period[key])
    ]  # fmt: skip


def _value(value: dict, name: str) -> list[str]:
    amount = value.get("amount")
    number = isinstance(amount, int | float) and not isinstance(amount, bool) and amount >= 0
    return _fields("value", value) + [
        *([] if number else [f"{name}: amount {amount!r} not a number"]),
        *([] if value.get("currency") in CURRENCY else [f"{name}: currency"]),
    ]


def _metric(metric: dict) -> list[str]:
    found = _fields("metric", metric)
    found += [] if metric.get("id") in METRIC_ID else [f"metric {metric.get('id')}"]
    for observation in metric.get("observations", []):
        found += _fields("observation", observation)
        found += [] if observation.get("id") else ["observation id missing"]
        found += _period(observation.get("period", {}), "observation.period")
        found += _value(observation["value"], "observation") if "value" in observation else []
    return found


def _milestone(m: dict) -> list[str]:
    found = _fields("milestone", m) + ([] if m.get("id") else ["milestone id missing"])
    found += [] if m.get("status") in MILESTONE_STATUS else [f"milestone status {m.get('status')}"]
    found += [] if m.get("type", "approval") in MILESTONE_TYPE else [f"milestone type {m['type']}"]
    found += [
        f"milestone.{key}"
        for key in ("dueDate", "dateMet")
        if key in m and not is_date_time(m[key])
    ]
    found += [] if (m.get("status") == "met") == ("dateMet" in m) else ["dateMet without met"]
    return found


@override_settings(OC4IDS_ID_PREFIX=PREFIX)
def test_the_checks_catch_what_breaks_the_standard():
    """The checks above are no rubber stamp: each rule catches its own break."""
    good = {"uri": "https://example.gov.cn/2026.json", "publisher": {"name": "项目办"},
            "publishedDate": "2026-12-07T10:00:00+08:00", "version": "0.9", "projects": [{
                "id": f"{settings.OC4IDS_ID_PREFIX}1", "updated": "2026-12-07T10:00:00+08:00",
                "title": "路", "status": "implementation", "type": "construction", "period": {},
                "budget": {"amount": {"amount": 1, "currency": "CNY"}},
                "parties": [{"id": "u", "name": "局", "roles": ["publicAuthority"]}],
                "publicAuthority": {"id": "u", "name": "局"}}]}  # fmt: skip
    assert problems_of(good) == []
    breaks = {
        "status": ("status", "在建"),
        "type": ("type", "new"),
        "sector": ("sector", ["roads"]),
        "budget": ("budget", {"amount": {"amount": "10000", "currency": "CNY"}}),
        "period": ("period", {"startDate": "2026-03-01"}),
        "id": ("id", "2026-610933-01"),
        "milestones": ("milestones", [{"id": "1", "status": "done"}]),
        "parties": ("parties", [{"id": "u", "name": "局", "roles": ["owner"]}]),
        "description": ("description", ""),
    }
    for name, (key, wrong) in breaks.items():
        broken = json.loads(json.dumps(good))
        broken["projects"][0][key] = wrong
        assert problems_of(broken) != [], name
    assert problems_of({**good, "version": "0.9.5"}) != []
    assert problems_of({**good, "publishedDate": "2026-12-07"}) != []


# --- a small county ------------------------------------------------------------------------

HEADERS = ["项目代码", "项目名称", "责任单位", "项目级别", "建设性质", "总投资(万元)", "年度",
           "年度计划投资(万元)", "行业类别", "计划开工日期", "计划竣工日期", "实际开(复)工日期",
           "包抓领导", "服务专员", "建设内容", "项目阶段"]  # fmt: skip
MILESTONE_HEADERS = ["项目代码", "节点名称", "计划完成日期", "节点类型", "实际完成日期"]
REPORT_HEADERS = ["项目代码", "年度", "月份", "本月完成投资(万元)"]
CONTENT = "改造主干道3.2公里。联系人：刘建国，电话13912345678、0915-5321001。"
TODAY = "2024-12-02 10:00+08:00"  # October is the month due on 2 December (due day 5)


def a_county() -> None:
    """2024's list: 营盘公路改造 (交通, 在建, 1,234.5678 万元, a milestone of each status) and
    县城东片区综合开发 (城建, whose name gives no sector); 营盘公路 reported 2023 and 2024."""
    load({
        "项目台账": [
            HEADERS,
            [code(1, 2023), "营盘公路改造工程", "营盘镇", "县重点", "新建", "1234.5678", 2023, 100,
             "交通", "2023-03-01", "2025-06-30", "2023-03-10", "王县长", "刘建国", CONTENT, "在建"],
            [code(1, 2023), "营盘公路改造工程", "营盘镇", "县重点", "续建", "1234.5678", 2024, 500,
             "交通", "2023-03-01", "2025-06-30", "2024-02-01", "王县长", "刘建国", CONTENT, "在建"],
            [code(2, 2024), "县城东片区综合开发项目", "县住建局", "市重点", "新建", 800, 2024, 200,
             "城建", "2024-05-01", "2026-12-31", None, None, None, None, "前期"],
        ],
        "项目节点": [
            MILESTONE_HEADERS,
            [code(1, 2023), "施工许可", "2023-02-20", "前期手续", "2023-02-18"],
            [code(1, 2023), "路基完成", "2024-09-30", "建设节点", None],
            [code(1, 2023), "交工验收", "2025-06-30", "其他", None],
        ],
        "月度投资": [
            REPORT_HEADERS,
            [code(1, 2023), 2023, 12, 80],
            [code(1, 2023), 2024, 3, "120.5"],
            [code(1, 2023), 2024, 10, 30],
            [code(1, 2023), 2024, 11, 999],  # November: not due on 2 December
        ],
    })  # fmt: skip


def exported(tmp_path, year: int = 2024) -> dict:
    out = tmp_path / f"{year}.json"
    call_command("export_oc4ids", "--year", str(year), "-o", str(out))
    return json.loads(out.read_text(encoding="utf-8"))


def test_each_project_says_who_what_when_and_how_much_in_the_standards_terms(tmp_path):
    a_county()
    with time_machine.travel(TODAY, tick=False):
        data = exported(tmp_path)

    assert problems_of(data) == []
    road, block = data["projects"]
    assert road["identifiers"] == [
        {"id": code(1, 2023), "scheme": "全国投资项目在线审批监管平台项目代码"}
    ]
    assert road["title"] == "营盘公路改造工程"
    assert road["status"] == "implementation"  # 在建
    assert road["type"] == "rehabilitation"  # 改造, though 续建 this year
    assert road["sector"] == ["transport"]  # 交通
    assert road["period"] == {"startDate": "2023-03-01T00:00:00+08:00",
                              "endDate": "2025-06-30T23:59:59+08:00"}  # fmt: skip
    assert road["budget"] == {"amount": {"amount": 12345678, "currency": "CNY"}}  # 1,234.5678 万元
    assert road["parties"] == [{"id": road["publicAuthority"]["id"], "name": "营盘镇",
                                "roles": ["publicAuthority", "administrativeEntity"]}]  # fmt: skip
    assert road["forecasts"][0]["observations"][0]["value"] == {
        "amount": 5_000_000,
        "currency": "CNY",
    }
    in_year, to_date = road["metrics"][0]["observations"]
    assert in_year["period"]["endDate"] == "2024-10-31T23:59:59+08:00"  # through October, due
    assert in_year["value"]["amount"] == (Decimal("120.5") + 30) * 10_000
    assert to_date["value"]["amount"] == (80 + Decimal("120.5") + 30) * 10_000
    assert [(m["title"], m.get("type"), m["status"]) for m in road["milestones"]] == [
        ("施工许可", "approval", "met"),
        ("路基完成", "delivery", "notMet"),  # due 30 September, not done by 2 December
        ("交工验收", None, "scheduled"),  # 其他: no type of the codelist says what it is
    ]
    assert road["milestones"][0]["dateMet"] == "2023-02-18T00:00:00+08:00"
    assert "sector" not in block  # 城建, and its name says no sector: documented, listed
    assert block["status"] == "preparation" and block["type"] == "construction"
    assert "metrics" in block and "milestones" not in block and "description" not in block


def test_a_finished_project_says_when_it_was_completed(tmp_path):
    a_county()
    project = Project.objects.get(code=code(1, 2023))
    Project.objects.filter(pk=project.pk).update(stage="operating", actual_end="2024-10-20")

    with time_machine.travel(TODAY, tick=False):
        road = exported(tmp_path)["projects"][0]

    assert road["status"] == "maintenance"  # 投产: the asset is running
    assert road["completion"] == {"endDate": "2024-10-20T23:59:59+08:00"}


def test_no_month_due_yet_publishes_no_completion_figures(tmp_path):
    a_county()
    with time_machine.travel("2025-01-10 10:00+08:00", tick=False):  # December 2024 is due
        assert (
            exported(tmp_path)["projects"][0]["metrics"][0]["observations"][0]["id"] == "2024-01-12"
        )
        load(
            {
                "项目台账": [
                    HEADERS[:8],
                    [code(3, 2025), "新项目", "营盘镇", "县重点", "新建", 10, 2025, 10],
                ]
            }
        )
        assert "metrics" not in exported(tmp_path, 2025)["projects"][0]


def test_no_name_phone_or_account_of_a_person_is_published(tmp_path):
    a_county()
    User.objects.create_user("clerk7", first_name="张秀英", phone="13800001111")
    with time_machine.travel(TODAY, tick=False):
        text = json.dumps(exported(tmp_path), ensure_ascii=False)

    for person in (
        "王县长",
        "刘建国",
        "张秀英",
        "13912345678",
        "0915-5321001",
        "clerk7",
        "13800001111",
    ):
        assert person not in text, person
    assert "改造主干道3.2公里。联系人：＊＊，电话＊＊、＊＊。" in text


def test_the_demo_countys_year_is_valid_and_names_none_of_its_people(tmp_path, demo_county):
    with time_machine.travel("2026-12-03 10:00+08:00", tick=False):
        data = exported(tmp_path, 2026)
    text = json.dumps(data, ensure_ascii=False)

    assert problems_of(data) == []
    assert len(data["projects"]) == Project.objects.filter(plans__year=2026).count()
    people = [name for _, _, name, _ in unit_reporters()] + LEADERS
    phones = [phone for *_, phone in unit_reporters()] + list(DEMO_PHONES.values())
    accounts = list(User.objects.values_list("username", flat=True))
    assert [p for p in people + phones if p in text] == []
    assert [a for a in accounts if f'"{a}"' in text] == []
    sectors = sum(1 for project in data["projects"] if "sector" in project)
    assert sectors >= len(data["projects"]) * 0.9  # the unmapped few are listed on the page


# --- the command ---------------------------------------------------------------------------


@pytest.mark.parametrize("year", ["1999", "二〇二四"])
def test_the_command_refuses_a_bad_year_with_a_non_zero_status(tmp_path, year):
    run = subprocess.run(
        [sys.executable, "manage.py", "export_oc4ids", "--year", year, "-o", str(tmp_path / "x.json")],
        cwd=ROOT, capture_output=True, text=True, env={"DATABASE_URL": "sqlite://:memory:", "PATH": ""},
    )  # fmt: skip

    assert run.returncode != 0
    assert f"年度应为2000–2100之间的四位年份，实际为{year}" in run.stderr
    assert not (tmp_path / "x.json").exists()


def test_a_year_with_no_list_is_refused_in_chinese(tmp_path):
    a_county()
    with pytest.raises(
        CommandError, match="2030年没有列入年度计划的项目.*有计划的年度：2024年、2023年"
    ):
        call_command("export_oc4ids", "--year", "2030", "-o", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="年度应为2000–2100之间的四位年份，实际为1999"):
        call_command("export_oc4ids", "--year", "1999", "-o", str(tmp_path / "x.json"))
    with pytest.raises(CommandError, match="输出文件名应以 .json 结尾"):
        call_command("export_oc4ids", "--year", "2024", "-o", str(tmp_path / "x.xlsx"))
    assert list(tmp_path.iterdir()) == []


def test_the_command_names_the_projects_published_without_a_sector(tmp_path, capsys):
    a_county()
    call_command("export_oc4ids", "--year", "2024", "-o", str(tmp_path / "y.json"))

    out = capsys.readouterr().out
    assert "已导出2024年2个项目" in out
    assert (
        f"其中1个项目的行业类别未对应到OC4IDS行业代码，未填sector：{code(2, 2024)}（城建）" in out
    )


# --- fixed queries -------------------------------------------------------------------------


def a_portfolio_with_milestones(size: int) -> None:
    """``size`` projects of 2024 (tests.workbooks.a_portfolio), each with a milestone."""
    milestones = [
        [code(n, 2024), "开工", "2024-03-01", "建设节点", None] for n in range(1, size + 1)
    ]
    load({**a_portfolio(size, 2024), "项目节点": [MILESTONE_HEADERS, *milestones]})


def package_queries() -> int:
    with CaptureQueriesContext(connection) as captured:
        package(year_to_publish(2024))
    return len(captured)


def test_the_package_is_read_in_a_fixed_number_of_queries():
    a_portfolio_with_milestones(3)
    with_three = package_queries()
    a_portfolio_with_milestones(40)

    assert package_queries() == with_three
    assert len(package(year_to_publish(2024))["projects"]) == 40


def page_queries(client) -> int:
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("opendata"), {"year": 2024}).status_code == 200
    return len(captured)


def test_the_page_reads_in_a_fixed_number_of_queries(client, cast):
    a_portfolio_with_milestones(3)
    client.force_login(cast.officer)
    with_three = page_queries(client)
    a_portfolio_with_milestones(40)

    assert page_queries(client) == with_three


# --- the office's page and download --------------------------------------------------------


def test_the_office_downloads_what_the_command_exports(client, cast, tmp_path):
    a_county()
    client.force_login(cast.officer)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("opendata"), {"year": 2024}).content.decode()
        response = client.get(reverse("oc4ids_download"), {"year": 2024})
        command = exported(tmp_path)

    assert "2024年：2个项目" in page and "截至10月底（应报月份）" in page
    block = Project.objects.get(code=code(2, 2024))
    assert (
        f'<a href="/projects/{block.pk}/">{code(2, 2024)}</a> 县城东片区综合开发项目（城建）'
        in page
    )
    assert response["Content-Disposition"].endswith(
        "2024%E5%B9%B4%E9%87%8D%E7%82%B9%E9%A1%B9%E7%9B%AE%E5%BC%80%E6%94%BE%E6%95%B0%E6%8D%AE_OC4IDS.json"
    )  # 2024年重点项目开放数据_OC4IDS.json
    downloaded = json.loads(response.content)
    assert {**downloaded, "publishedDate": None} == {**command, "publishedDate": None}


def test_a_replaced_project_is_said_apart_so_the_figures_agree_with_the_dashboard(client, cast):
    """总体情况 counts no replaced row (DESIGN.md §3 替换); the package publishes it (cancelled):
    the page says which of its count and 总投资 the dashboard shows."""
    a_county()
    east = Project.objects.get(code=code(2, 2024))
    east.plans.filter(year=2024).update(replaced_by=Project.objects.get(code=code(1, 2023)))
    client.force_login(cast.officer)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("opendata"), {"year": 2024}).content.decode()

    assert "2个，总投资0.20亿元" in page  # 1,234.5678 + 800 万元
    assert "其中已替换1个，以“已取消”公开；其余1个总投资0.12亿元，与总体情况一致" in page


def test_a_page_without_a_replaced_project_says_nothing_of_it(client, cast):
    a_county()
    client.force_login(cast.officer)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("opendata"), {"year": 2024}).content.decode()

    assert "2个，总投资0.20亿元" in page and "已替换" not in page


def test_a_download_is_in_the_audit_trail(client, cast):
    a_county()
    client.force_login(cast.officer)
    client.get(reverse("oc4ids_download"), {"year": 2024})

    entry = AuditEntry.objects.get(category=AuditEntry.Category.DOWNLOAD)
    assert entry.detail == "2024年重点项目开放数据_OC4IDS.json" and entry.user == cast.officer


def test_a_year_that_is_not_one_is_said_ignored(client, cast):
    a_county()
    client.force_login(cast.officer)

    page = client.get(reverse("opendata"), {"year": "1999"}).content.decode()
    download = client.get(reverse("oc4ids_download"), {"year": "abc"}, follow=True)

    assert "年度“1999”无效，已忽略。" in page and "2024年：2个项目" in page  # the latest year
    assert "请选择要导出的年度（2000–2100之间的四位年份）。" in download.content.decode()


def test_a_prefix_that_is_no_registered_prefix_stops_the_server_at_start_up():
    env = {"DATABASE_URL": "sqlite://:memory:", "PATH": "", "OC4IDS_ID_PREFIX": "county-"}
    run = subprocess.run([sys.executable, "manage.py", "check"], cwd=ROOT, capture_output=True,
                         text=True, env=env)  # fmt: skip

    assert run.returncode != 0
    assert (
        "OC4IDS_ID_PREFIX must be oc4ids- and six letters or digits and -, got 'county-'"
        in run.stderr
    )


def test_a_year_without_a_list_is_said_not_downloaded(client, cast):
    a_county()
    client.force_login(cast.officer)

    response = client.get(reverse("oc4ids_download"), {"year": 2030}, follow=True)

    assert "2030年没有列入年度计划的项目，无可导出的开放数据。" in response.content.decode()
    assert "Content-Disposition" not in response


def test_only_the_office_publishes(client, cast):
    a_county()
    for person in (cast.leader, cast.reporter, cast.supervisor):
        client.force_login(person)
        assert client.get(reverse("oc4ids_download"), {"year": 2024}).status_code == 403
        assert client.get(reverse("opendata")).status_code == 403


# --- the publishing settings: as configured, or what to set and what the file says meanwhile ----


@override_settings(
    OC4IDS_ID_PREFIX=PREFIX, OC4IDS_PUBLISHED_AT=PUBLISHED_AT, OC4IDS_PUBLISHER="某县发改局"
)
def test_the_configured_prefix_address_and_publisher_are_shown_and_published(
    client, cast, tmp_path
):
    a_county()
    client.force_login(cast.officer)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("opendata"), {"year": 2024}).content.decode()
        data = exported(tmp_path)

    assert data["uri"] == f"{PUBLISHED_AT}/2024.json" and data["publisher"] == {
        "name": "某县发改局"
    }
    assert data["projects"][0]["id"] == f"{PREFIX}{code(1, 2023)}"
    assert problems_of(data) == []
    assert f"<code>{PREFIX}</code>：项目编号为前缀加项目代码" in page
    assert f"如 <code>{PREFIX}{code(1, 2023)}</code>" in page
    assert f"2024年数据包地址为 <code>{PUBLISHED_AT}/2024.json</code>" in page
    assert "某县发改局。" in page and "未设置" not in page


@override_settings(OC4IDS_ID_PREFIX="", OC4IDS_PUBLISHED_AT="", OC4IDS_PUBLISHER="")
def test_unset_settings_are_named_with_what_the_file_says_instead(client, cast, tmp_path):
    """Nothing that looks like a value and is none (oc4ids-xxxxxx-, example.gov.cn): the page
    names each unset setting, what to set, and how the file identifies the projects meanwhile."""
    a_county()
    client.force_login(cast.officer)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("opendata"), {"year": 2024}).content.decode()
        data = exported(tmp_path)
        again = exported(tmp_path)

    assert [p["id"] for p in data["projects"]] == [code(1, 2023), code(2, 2024)]
    assert URN_UUID.fullmatch(data["uri"]) and again["uri"] == data["uri"] == package_uri(2024)
    assert data["publisher"] == {"name": PUBLISHER}
    assert problems_of(data) == []
    assert "<strong>未设置</strong>：下载的文件以项目代码作项目编号" in page
    assert f"（如 <code>{code(1, 2023)}</code>）" in page
    assert f"<strong>未设置</strong>：下载的文件以 <code>{data['uri']}</code> 作数据包标识" in page
    assert f"<strong>未设置</strong>：文件中写作“{PUBLISHER}”" in page
    assert "xxxxxx" not in page and "example" not in page


def test_the_page_counts_the_rows_the_figures_count(client, cast):
    """The one definition of the rows that count (`projects.rules.counted_q` and its twin
    `is_counted`): the package's counted projects are `AnnualPlan.objects.counted`."""
    a_county()
    east = Project.objects.get(code=code(2, 2024))
    east.plans.filter(year=2024).update(replaced_by=Project.objects.get(code=code(1, 2023)))

    data = year_to_publish(2024)

    assert [item.plan for item in data.counted] == list(AnnualPlan.objects.counted(2024))
    assert len(data.projects) == 2 and len(data.counted) == 1


# --- what the download leaves out, said on the page ---------------------------------------------


def test_the_page_says_what_the_download_leaves_out_counted_from_the_download(
    client, cast, tmp_path
):
    """东片区 has no 建设内容 and a 行业类别 (城建) its name maps to no sector; 敬老院, loaded
    without 计划开工 or 计划竣工日期, has no period: each missing piece counted from the projects as
    the download writes them (`opendata.documents.package.gaps`), a project counted once."""
    a_county()
    load(
        {
            "项目台账": [
                HEADERS[:8],
                [code(3, 2024), "营盘敬老院", "营盘镇", "县重点", "新建", 300, 2024, 100],
            ]
        }
    )
    client.force_login(cast.officer)
    with time_machine.travel(TODAY, tick=False):
        page = client.get(reverse("opendata"), {"year": 2024}).content.decode()
        data = exported(tmp_path)

    by_title = {p["title"]: p for p in data["projects"]}
    assert "description" not in by_title["县城东片区综合开发项目"]
    assert by_title["营盘敬老院"]["period"] == {}
    assert (
        "<strong>导出不完整：</strong>2个项目的文件中缺少部分内容——"
        "2个没有所属行业（行业类别对应不到标准行业代码），"
        "1个没有计划开工日期（项目库中未填计划开工日期），"
        "1个没有计划竣工日期（项目库中未填计划竣工日期），"
        "2个没有建设内容（项目库中未填建设内容）" in page
    )


def test_a_complete_download_shows_no_banner(client, cast):
    load({"项目台账": [HEADERS, [code(1, 2023), "营盘公路改造工程", "营盘镇", "县重点", "新建",
                             100, 2024, 50, "交通", "2024-03-01", "2025-06-30", None, None,
                             None, CONTENT, "在建"]]})  # fmt: skip
    client.force_login(cast.officer)

    page = client.get(reverse("opendata"), {"year": 2024}).content.decode()

    assert "2024年：1个项目" in page and "导出不完整" not in page
