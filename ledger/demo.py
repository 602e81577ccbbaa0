"""The demo county: a plausible ledger, loaded through the real import service.

Deterministic (a fixed random seed), so every machine shows the same county. Built as
the sheets a project office would keep, then imported with ``import_ledger``: the demo
exercises the same path as a real county's first upload.
"""

import random
from datetime import date, datetime, timedelta
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.utils import timezone

from investment.models import MonthlyReport
from ledger import schema
from ledger.demo_supervision import supervision_story
from ledger.importer import import_ledger
from ledger.results import ImportResult
from projects.models import Project, Stage, Unit, User
from projects.xlsx import render_workbook

DEMO_PASSWORD = "Demo@2026"
YEARS = (2024, 2025, 2026)
# The demo's "today": October 2026's reports are in, November's are not yet due.
LAST_REPORTED = (2026, 10)

DEPARTMENTS = [
    "县发展和改革局",
    "县住房和城乡建设局",
    "县交通运输局",
    "县水利局",
    "县自然资源局",
    "县工业和信息化局",
    "县农业农村局",
    "县文化和旅游局",
    "县教育局",
    "县卫生健康局",
    "县生态环境局",
    "县商务局",
    "县城市管理局",
    "县城市建设投资有限公司",
    "县产业园区管委会",
    "县能源局",
    "县林业局",
    "县民政局",
]
TOWNSHIPS = [
    "城关镇",
    "营盘镇",
    "下梁镇",
    "石瓮镇",
    "曹坪镇",
    "杏坪镇",
    "红岩寺镇",
    "凤凰镇",
    "小岭镇",
    "瓦房口镇",
    "乾佑街道",
    "柴庄乡",
]
INDUSTRIES = {
    "交通": [
        "{place}至{other}公路改建工程",
        "{place}客运枢纽站建设项目",
        "{place}农村公路提升工程",
    ],
    "水利": ["{place}河道综合治理工程", "{place}城乡供水一体化项目", "{place}小型水库除险加固"],
    "能源": ["{place}光伏发电项目", "{place}110千伏输变电工程", "{place}天然气管网延伸工程"],
    "工业": [
        "{place}新材料产业园标准化厂房",
        "{place}农产品精深加工项目",
        "{place}装配式建材生产线",
    ],
    "农业": ["{place}高标准农田建设项目", "{place}食用菌产业园", "{place}冷链物流仓储中心"],
    "文旅": ["{place}旅游景区提升工程", "{place}康养度假小镇", "{place}古镇保护利用项目"],
    "社会事业": ["{place}中学教学楼建设项目", "{place}中心卫生院迁建工程", "{place}养老服务中心"],
    "城建": ["{place}老旧小区改造项目", "{place}城市地下管网更新工程", "{place}保障性住房项目"],
    "生态环保": ["{place}污水处理厂提标改造", "{place}矿山生态修复工程", "{place}垃圾分类处理中心"],
}
LEADERS = ["王县长", "李副县长", "张副县长", "刘副县长", "陈副书记", "赵常务副县长"]
SEASON = [0.35, 0.45, 0.95, 1.05, 1.15, 1.25, 1.2, 1.2, 1.1, 1.0, 0.9, 0.8]
APPROVALS = ["立项", "用地预审与选址", "环评", "施工许可"]
WORKS = ["主体开工", "主体封顶", "竣工验收"]
PROBLEMS = {
    "用地": "项目用地报批进度慢，影响开工",
    "资金": "配套资金未及时到位",
    "审批": "施工许可手续尚未办结",
    "环评": "环评批复尚未取得",
    "征迁": "沿线征迁未完成，影响施工",
    "水电气": "施工用电未接入",
    "其他": "雨季施工受阻",
}


def build_ledger(seed: int = 2026) -> dict[str, list[list]]:
    """The demo county's ledger as sheets of rows (headers first)."""
    rng = random.Random(seed)
    units = DEPARTMENTS + TOWNSHIPS
    projects: list[list[Any]] = [list(schema.SHEETS[schema.PROJECTS].headers)]
    reports: list[list[Any]] = [list(schema.SHEETS[schema.REPORTS].headers)]
    milestones: list[list[Any]] = [list(schema.SHEETS[schema.MILESTONES].headers)]
    funds: list[list[Any]] = [list(schema.SHEETS[schema.FUNDS].headers)]
    findings = [list(schema.SHEETS[schema.FINDINGS].headers)]
    names_used: set[str] = set()

    for serial in range(1, 151):
        industry = rng.choice(list(INDUSTRIES))
        place = rng.choice(TOWNSHIPS).removesuffix("镇").removesuffix("街道").removesuffix("乡")
        name = rng.choice(INDUSTRIES[industry]).format(
            place=place, other=rng.choice(["柞水", "镇安", "山阳"])
        )
        base, phase = name, 1
        while name in names_used:
            phase += 1
            name = f"{base}（{'一二三四五六七八九'[phase - 1]}期）"
        names_used.add(name)
        first_year = rng.choice([2023, 2024, 2024, 2025, 2025, 2026, 2026])
        years = [y for y in range(first_year, first_year + rng.choice([1, 2, 2, 3])) if y in YEARS]
        if not years:
            years = [2024]
        code = f"{max(first_year, 2023)}-610933-{rng.randint(10, 99)}-0{rng.randint(1, 3)}-{serial:06d}"
        if serial % 17 == 0:
            code = f"ZS-{first_year}-{serial:03d}"  # not yet coded on the national platform
        total = Decimal(
            rng.choice([3, 5, 8, 12, 20, 30, 50, 80, 120, 200]) * rng.randint(800, 1500)
        )
        planned_start = date(first_year, rng.randint(2, 6), rng.randint(1, 28))
        planned_end = date(years[-1] + rng.choice([0, 1]), 12, 31)
        unit = rng.choice(units)
        level = rng.choices(["省重点", "市重点", "县重点"], weights=[1, 3, 6])[0]
        performance = rng.uniform(0.8, 1.25)
        stalled = serial % 13 == 0  # a project that has not started though it should have
        leader, private = rng.choice(LEADERS), "是" if rng.random() < 0.3 else "否"
        for year in years:
            plan = (total / len(years) * Decimal(str(round(rng.uniform(0.7, 1.0), 2)))).quantize(
                Decimal("1")
            )
            nature = "新建" if year == first_year else "续建"
            if stalled and year == years[-1]:
                started = None
            elif nature == "新建":
                started = planned_start + timedelta(days=rng.randint(-10, 45))
            else:
                started = date(year, rng.randint(1, 3), rng.randint(1, 28))
            if started and started.year != year:
                started = date(year, started.month, min(started.day, 28))
            projects.append(
                [code, name, unit, level, nature, total, year, plan, industry, planned_start,
                 planned_end, started, leader, private,
                 f"{name}，总投资{total}万元。"]
            )  # fmt: skip
            if started is None:
                continue
            last_month = LAST_REPORTED[1] if year == LAST_REPORTED[0] else 12
            if year == LAST_REPORTED[0] and serial % 11 == 0:
                last_month -= 1  # October not reported yet: 未报送
            months = range(started.month, last_month + 1)
            weights = sum(SEASON[m - 1] for m in range(started.month, 13))
            for month in months:
                share = Decimal(str(SEASON[month - 1] / weights * performance))
                amount = (plan * share).quantize(Decimal("0.01"))
                category = rng.choice(list(PROBLEMS)) if rng.random() < 0.15 else None
                reports.append(
                    [code, year, month, amount, _progress(month, started.month),
                     PROBLEMS[category] if category else ""]
                )  # fmt: skip
        _milestones(rng, milestones, code, planned_start, planned_end, unit)
        if rng.random() < 0.45:
            _fund(rng, funds, code, years, total)
        if rng.random() < 0.3:
            _finding(rng, findings, code, unit, years[-1])
    return {
        schema.PROJECTS: projects,
        schema.REPORTS: reports,
        schema.MILESTONES: milestones,
        schema.FUNDS: funds,
        schema.FINDINGS: findings,
    }


def _progress(month: int, start_month: int) -> str:
    stage = month - start_month
    if stage <= 0:
        return "开工建设，场地平整"
    if stage <= 3:
        return "基础施工"
    if stage <= 7:
        return "主体施工"
    return "附属工程及装饰装修"


def _milestones(rng, rows, code, planned_start, planned_end, unit) -> None:
    today = date(*LAST_REPORTED, 31)
    day = planned_start - timedelta(days=120)
    for name in APPROVALS:
        day += timedelta(days=rng.randint(15, 35))
        done = day + timedelta(days=rng.randint(-10, 25))
        owner = "县自然资源局" if name == "用地预审与选址" else ""
        rows.append(
            [
                code,
                name,
                day,
                "前期手续",
                done if done <= today and rng.random() > 0.08 else None,
                owner,
            ]
        )
    for name, planned in zip(
        WORKS,
        [planned_start, planned_start + (planned_end - planned_start) / 2, planned_end],
        strict=True,
    ):
        done = planned + timedelta(days=rng.randint(-20, 60))
        rows.append(
            [
                code,
                name,
                planned,
                "建设节点",
                done if done <= today and rng.random() > 0.08 else None,
                "",
            ]
        )


def _fund(rng, rows, code, years, total) -> None:
    kind = rng.choice(list(schema.FUND_TYPES))
    year = rng.choice(years)
    requested = (total * Decimal(str(round(rng.uniform(0.1, 0.4), 2)))).quantize(Decimal("1"))
    stage = rng.choice(["储备", "已申报", "已批复", "已下达", "已支出", "未获批"])
    approved = allocated = spent = None
    if stage in {"已批复", "已下达", "已支出"}:
        approved = (requested * Decimal("0.8")).quantize(Decimal("1"))
    if stage in {"已下达", "已支出"}:
        allocated = approved
    if stage == "已支出" and allocated is not None:
        spent = (allocated * Decimal("0.6")).quantize(Decimal("1"))
    rows.append(
        [
            code,
            kind,
            year,
            requested,
            f"{year}年第{rng.randint(1, 3)}批",
            approved,
            allocated,
            spent,
            stage,
        ]
    )


def _finding(rng, rows, code, unit, year) -> None:
    category = rng.choice(list(PROBLEMS))
    found = date(year, rng.randint(1, 9), rng.randint(1, 28))
    deadline = found + timedelta(days=rng.choice([15, 30, 45]))
    status = rng.choice(["未整改", "整改中", "已整改", "已销号"])
    closed = deadline + timedelta(days=rng.randint(-10, 12)) if status == "已销号" else None
    if closed and closed < found:
        closed = found
    rows.append(
        [
            unit,
            PROBLEMS[category] + f"（{code[-6:]}）",
            found,
            deadline,
            code,
            category,
            status,
            closed,
        ]
    )


DEMO_PHONES = {"reporter": "0915-5321001", "office": "0915-5321000"}  # made up, for 催报
DEMO_USERS = [
    # username, role, unit, display name
    ("admin", User.Role.ADMIN, None, "系统管理员"),
    ("office", User.Role.OFFICER, None, "县发改局项目办"),
    ("reporter", User.Role.REPORTER, "县住房和城乡建设局", "住建局填报员"),
    ("supervisor", User.Role.SUPERVISOR, None, "县督查办"),
    ("leader", User.Role.LEADER, None, "县领导"),
    ("security", User.Role.SECURITY, None, "安全管理员"),
    ("auditor", User.Role.AUDITOR, None, "审计管理员"),
]


@transaction.atomic
def seed_demo(*, password: str = DEMO_PASSWORD) -> ImportResult:
    """Load the demo county and its users. Expects a database without projects."""
    sheets = ((name, rows[0], rows[1:]) for name, rows in build_ledger().items())
    result = import_ledger(data=render_workbook(sheets), filename="演示台账.xlsx")
    Unit.objects.filter(name__in=TOWNSHIPS).update(kind=Unit.Kind.TOWNSHIP)
    Unit.objects.exclude(name__in=TOWNSHIPS).update(kind=Unit.Kind.DEPARTMENT)
    _set_stages()
    # The latest month arrives through the online form: some submitted, some still drafts.
    latest = MonthlyReport.objects.filter(plan__year=LAST_REPORTED[0], month=LAST_REPORTED[1])
    submitted_at = timezone.make_aware(datetime(2026, 11, 4, 16, 30))
    every_other = list(latest.order_by("pk").values_list("pk", flat=True))[::2]
    latest.filter(pk__in=every_other).update(
        status=MonthlyReport.Status.SUBMITTED,
        source=MonthlyReport.Source.FORM,
        submitted_at=submitted_at,
    )
    ensure_demo_users(password=password)
    for reporter in User.objects.filter(role=User.Role.REPORTER):
        latest.filter(pk__in=every_other, plan__project__unit=reporter.unit_id).update(
            submitted_by=reporter
        )  # each unit's reporter sent its own
    supervision_story()
    return result


def _set_stages() -> None:
    projects = list(Project.objects.prefetch_related("plans"))
    for project in projects:
        plans = sorted(project.plans.all(), key=lambda plan: plan.year)
        last = plans[-1]
        if last.actual_start is None:
            project.stage = Stage.PREPARATION
        elif project.planned_end and project.planned_end.year < LAST_REPORTED[0]:
            project.stage = Stage.COMPLETED
            project.actual_end = project.planned_end
        else:
            project.stage = Stage.CONSTRUCTION
    Project.objects.bulk_update(projects, ["stage", "actual_end"], batch_size=500)


# One reporter per unit besides `reporter` (住建局), so 催报 and the review page show what a
# county sees. Names and phone numbers are made up; 0915-53 is no real exchange's range.
SURNAMES = "张王李赵刘陈杨黄周吴徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹"
GIVEN = ["建华", "丽娟", "海军", "秀英", "志强", "晓燕", "国庆", "春梅", "文斌", "红霞"]


def unit_reporters() -> list[tuple[str, str, str, str]]:
    """(username, unit, name, phone) of every demo unit's reporter, `reporter` first."""
    people = [("reporter", "县住房和城乡建设局", "住建局填报员", DEMO_PHONES["reporter"])]
    units = [name for name in DEPARTMENTS + TOWNSHIPS if name != "县住房和城乡建设局"]
    for number, unit in enumerate(units, start=1):
        name = SURNAMES[number % len(SURNAMES)] + GIVEN[number % len(GIVEN)]
        people.append((f"reporter{number:02d}", unit, name, f"0915-53211{number:02d}"))
    return people


def ensure_demo_users(*, password: str) -> None:
    _ensure_unit_reporters(password=password)
    for username, role, unit_name, display in DEMO_USERS:
        user, _ = User.objects.get_or_create(username=username)
        user.role = role
        user.first_name = display
        user.phone = DEMO_PHONES.get(username, "")
        user.unit = Unit.objects.get(name=unit_name) if unit_name else None
        user.is_superuser = False  # 三员: no account holds every power, not even the admin
        user.set_password(password)
        user.save()


def _ensure_unit_reporters(*, password: str) -> None:
    """A reporter account for every demo unit that exists (one password hash for them all)."""
    units = {unit.name: unit for unit in Unit.objects.all()}
    probe = User(username="probe")
    probe.set_password(password)
    for username, unit_name, name, phone in unit_reporters()[1:]:
        if unit_name not in units:
            continue
        user, _ = User.objects.get_or_create(
            username=username, defaults={"role": User.Role.REPORTER, "unit": units[unit_name]}
        )
        user.role, user.unit = User.Role.REPORTER, units[unit_name]
        user.first_name, user.phone = name, phone
        user.password = user._password_for_history = probe.password
        user.password_changed_at = timezone.now()
        user.save()
