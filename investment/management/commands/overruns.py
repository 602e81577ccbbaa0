import json as json_module

from django.core.management.base import BaseCommand

from core import formatting
from core.models import money
from investment import rules
from investment.management.commandline import period_from_options
from investment.rules.overruns import cost_overrun_pct, overrun_plans, overrun_summary
from projects.models import AnnualPlan


class Command(BaseCommand):
    help = "超概算、超工期项目（DESIGN.md §4）：Y年度计划中总投资超过原总投资或工期超过原计划竣工日期的项目。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--month", type=int, required=True, help="截至月份（1–12）")
        parser.add_argument("--json", action="store_true", help="输出JSON")

    def handle(self, *args, year: int, month: int, json: bool, **options):
        period = period_from_options(year=year, month=month)
        plans = list(overrun_plans(period, plans=AnnualPlan.objects.all()))
        if json:
            rows = [_row(plan) for plan in plans]
            self.stdout.write(json_module.dumps(rows, ensure_ascii=False, indent=2))
            return
        summary = overrun_summary(period, plans=AnnualPlan.objects.all())
        self.stdout.write(f"{year}年度计划项目，截至{month}月底：{summary.text}")
        for plan in plans:
            project = plan.project
            self.stdout.write(
                f"  {project.code} {project.name}：总投资{formatting.wan_text(project.original_total)}"
                f" → {formatting.wan_text(project.total_investment)}；计划竣工"
                f"{project.original_completion or '—'} → {project.planned_end or '—'}，"
                f"超工期{plan.time_overrun}个月"  # type: ignore[attr-defined]
            )


def _row(plan) -> dict:
    project = plan.project
    cost = money(plan.cost_overrun) if plan.cost_overrun is not None else None
    pct = cost_overrun_pct(project.total_investment, project.original_total)
    original, planned = project.original_completion, project.planned_end
    row = {
        "project_code": project.code,
        "original_total": rules.json_number(project.original_total),
        "total": rules.json_number(project.total_investment),
        "cost_overrun": rules.json_number(cost),
        "cost_overrun_pct": rules.json_number(rules.for_machine(pct)),
        "original_completion": original.isoformat() if original else None,
        "planned_completion": planned.isoformat() if planned else None,
        "time_overrun_months": plan.time_overrun,
    }
    return row
