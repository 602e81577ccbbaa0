"""A 2024 county where the ranking weights decide the order: six units, each with one
continuing project (plan 1200 万元, started in 2023, so 12 reports expected), no milestones and
no findings (I2 = I3 = I4 = 1). Every report is entered and sent by the unit's own reporter
through the report services and approved by the office; "on time" units send each month on
the 3rd of the next month, "late" units send the whole year on 1 March 2025.

| unit         | sent    | completed | I1  | I5 | default 50/20/15/10/5 | 30/20/15/10/25 |
| ------------ | ------- | --------- | --- | -- | --------------------- | -------------- |
| 城关镇       | on time | 1200      | 1   | 1  | 100 (1st)             | 100 (1st)      |
| 营盘镇       | late    | 1200      | 1   | 0  | 95 (2nd)              | 75 (4th)       |
| 县交通局     | on time | 960       | 0.8 | 1  | 90 (3rd)              | 94 (2nd)       |
| 县农业农村局 | late    | 960       | 0.8 | 0  | 85 (4th)              | 69 (5th)       |
| 县住建局     | on time | 600       | 0.5 | 1  | 75 (5th)              | 85 (3rd)       |
| 县水利局     | late    | 600       | 0.5 | 0  | 70 (6th)              | 60 (6th)       |

With the default 红黑榜 of 3: 红榜 城关镇, 营盘镇, 县交通局; 黑榜 县农业农村局, 县住建局, 县水利局.
With 30/20/15/10/25 and 2: 红榜 城关镇, 县交通局; 黑榜 县农业农村局, 县水利局.
"""

from datetime import datetime
from decimal import Decimal

import time_machine
from django.utils import timezone

from investment.rules.indicators import default_weights
from investment.services import reports as services
from projects.models import AnnualPlan, Unit
from tests.workbooks import PROJECT_HEADERS, code, load

# unit: (on time, 万元 a month)
UNITS = {
    "城关镇": (True, 100),
    "营盘镇": (False, 100),
    "县交通局": (True, 80),
    "县农业农村局": (False, 80),
    "县住建局": (True, 50),
    "县水利局": (False, 50),
}
DEFAULT_ORDER = ["城关镇", "营盘镇", "县交通局", "县农业农村局", "县住建局", "县水利局"]
NEW_ORDER = ["城关镇", "县交通局", "县住建局", "营盘镇", "县农业农村局", "县水利局"]
# I1 50 → 30, I5 5 → 25
NEW_WEIGHTS = default_weights() | {"weight_investment": 30, "weight_reporting": 25}


def at(year: int, month: int, day: int) -> datetime:
    return timezone.make_aware(datetime(year, month, day, 10, 0))


def a_county_where_weights_matter(cast) -> None:
    rows = [
        [code(serial), f"{unit}重点项目", unit, "县重点", "续建", 5000, 2024, 1200, "2023-06-01"]
        for serial, unit in enumerate(UNITS, start=1)
    ]
    load({"项目台账": [PROJECT_HEADERS, *rows]})
    officer = cast.officer  # made now, so no password has aged by the time the test signs in
    reporters = {unit: cast.reporter_of(Unit.objects.get(name=unit)) for unit in UNITS}
    plans = {
        plan.project.unit.name: plan for plan in AnnualPlan.objects.select_related("project__unit")
    }
    sent = []
    for month in range(1, 13):
        for unit, (on_time, amount) in UNITS.items():
            if not on_time:
                continue
            when = at(2025, 1, 3) if month == 12 else at(2024, month + 1, 3)
            with time_machine.travel(when, tick=False):
                sent.append(_send(plans[unit], month, reporters[unit], amount))
    with time_machine.travel(at(2025, 3, 1), tick=False):
        for unit, (on_time, amount) in UNITS.items():
            if not on_time:
                sent += [
                    _send(plans[unit], month, reporters[unit], amount) for month in range(1, 13)
                ]
        for report in sent:
            services.report_approve(report=report, user=officer)


def _send(plan, month, reporter, amount):
    # 形象进度 moves on each month (the same text months running is a data-quality flag the
    # office must examine before it approves: `progress_unchanged`).
    report = services.report_save(
        plan=plan,
        month=month,
        user=reporter,
        amount=Decimal(amount),
        progress=f"按计划推进，完成第{month}期工程",
    )
    return services.report_submit(report=report, user=reporter)
