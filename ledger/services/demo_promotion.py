"""The demo county's 招商引资 year, written through the same service the pages use.

From January of the demo's year to the day before it is seeded: each month a few outbound
visits (about one led by a county leader, the rest by the 商务局, the 工信局, the 园区 and a
township or two) and a few receptions of visiting investors (batches and people), each
recorded by its unit's own reporter (a leader's visit by the office). Some of them brought a
signing: the activity links the unit's new projects of the year, private ones first. Made up
and deterministic: a fixed seed, dates counted from the demo's calendar, no today().
"""

import random
from datetime import date, timedelta

from core.formatting import wan_text
from ledger.services.demo_calendar import DemoCalendar
from projects.models import Nature, Project, Unit, User
from promotion.models import Kind, Lead
from promotion.services import activity_save

# The units that go out and receive investors (the eight 产业招商组 of seed 004 sit in them).
DEPARTMENTS = [
    "县商务局", "县工业和信息化局", "县产业园区管委会", "县农业农村局", "县文化和旅游局",
    "县发展和改革局", "县住房和城乡建设局",
]  # fmt: skip
TOWNSHIPS = ["城关镇", "营盘镇", "凤凰镇", "下梁镇"]
# Made-up firms and delegations: no real company's name.
FIRMS = [
    "华秦新材料科技有限公司", "中陆智能装备制造有限公司", "绿源现代农业发展有限公司",
    "瑞丰食品集团有限公司", "远航物流供应链有限公司", "青山文旅投资有限公司",
    "汇通光伏能源有限公司", "安宁医药健康产业有限公司", "鼎盛建材有限公司",
    "星河电子科技有限公司", "丰禾中药材种植合作联社", "长岭康养产业投资有限公司",
]  # fmt: skip
CITIES = ["西安", "深圳", "杭州", "苏州", "成都", "郑州", "重庆", "武汉"]
DELEGATIONS = [
    "长三角企业家考察团",
    "粤港澳大湾区客商考察团",
    "陕商联合会考察团",
    "省工商联企业家代表团",
]
OUTCOMES = [
    "介绍我县产业园区和招商政策，对方表示将派团实地考察。",
    "就项目选址、用地和配套条件深入洽谈，达成初步投资意向。",
    "推介我县农特产品精深加工项目，双方约定进一步对接。",
    "考察我县产业园区标准化厂房，洽谈设备制造项目落地事宜。",
]


def _signable(cal: DemoCalendar, unit: Unit) -> list[Project]:
    """The unit's new projects of the year, private ones first: what a 招商 signing brings."""
    return list(
        Project.objects.filter(unit=unit, plans__year=cal.year, plans__nature=Nature.NEW)
        .order_by("-is_private", "code")
        .distinct()[:2]
    )


def promotion_story(cal: DemoCalendar, *, leaders: list[str]) -> None:
    rng = random.Random(2026)
    office = User.objects.get(username="office")
    names = DEPARTMENTS + TOWNSHIPS
    units = {unit.name: unit for unit in Unit.objects.filter(name__in=names)}
    reporters = {
        user.unit_id: user
        for user in User.objects.filter(role=User.Role.REPORTER, unit__in=units.values())
    }
    last = cal.today - timedelta(days=1)
    signings = {name: _signable(cal, unit) for name, unit in units.items()}
    for month in range(1, 13):
        first = date(cal.year, month, 1)
        if first > last:
            break
        days = [first + timedelta(days=d) for d in range(28) if first + timedelta(days=d) <= last]
        for index in range(rng.randint(2, 4)):  # outbound visits
            led = Lead.LEADER if index == 0 and rng.random() < 0.8 else None
            name = rng.choice(TOWNSHIPS) if rng.random() < 0.3 else rng.choice(DEPARTMENTS[:5])
            led = led or (Lead.TOWNSHIP if name in TOWNSHIPS else Lead.DEPARTMENT)
            _record(
                rng, cal, units[name], reporters, office, signings, kind=Kind.VISIT, led_by=led,
                day=rng.choice(days), leader=rng.choice(leaders) if led == Lead.LEADER else "",
                counterpart=rng.choice(FIRMS), place=rng.choice(CITIES),
            )  # fmt: skip
        for _ in range(rng.randint(2, 3)):  # receptions
            name = rng.choice(names)
            delegation = rng.random() < 0.25
            _record(
                rng, cal, units[name], reporters, office, signings, kind=Kind.RECEPTION,
                led_by=Lead.TOWNSHIP if name in TOWNSHIPS else Lead.DEPARTMENT,
                day=rng.choice(days), leader="", place="我县" + ("产业园区" if rng.random() < 0.5 else name),
                counterpart=rng.choice(DELEGATIONS) if delegation else rng.choice(FIRMS),
                batches=2 if delegation else 1,
                people=rng.randint(12, 30) if delegation else rng.randint(3, 9),
            )  # fmt: skip


def _record(
    rng: random.Random,
    cal: DemoCalendar,
    unit: Unit,
    reporters: dict[int | None, User],
    office: User,
    signings: dict[str, list[Project]],
    **values: object,
) -> None:
    """One activity under its unit's reporter (a leader's visit under the office); now and
    then it brings the unit's next project still to sign."""
    signed = []
    if signings[unit.name] and rng.random() < 0.3:
        signed = [signings[unit.name].pop(0)]
    by = office if values["led_by"] == Lead.LEADER else reporters.get(unit.pk, office)
    outcome = rng.choice(OUTCOMES)
    if signed:
        outcome = (
            f"签订《{signed[0].name}》投资协议，项目总投资{wan_text(signed[0].total_investment)}。"
        )
    day = values.pop("day")
    assert isinstance(day, date)
    activity_save(
        user=by, unit=unit, held_on=day, outcome=outcome, projects=signed, today=cal.today,
        **values,  # type: ignore[arg-type]
    )  # fmt: skip
