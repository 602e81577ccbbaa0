import json as json_module

from django.core.management.base import BaseCommand

from core import formatting
from investment import rules
from investment.management.commandline import incompleteness, period_from_options
from investment.selectors.portfolio import portfolio_summary
from projects.models import Level


class Command(BaseCommand):
    help = "重点项目总体情况：项目数、开复工率、投资完成率、超序时进度（按级别分列）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--month", type=int, required=True, help="截至月份（1–12）")
        parser.add_argument("--json", action="store_true", help="输出JSON")

    def handle(self, *args, year: int, month: int, json: bool, **options):
        period = period_from_options(year=year, month=month)
        summary = portfolio_summary(period)
        if warning := incompleteness(period):
            self.stderr.write(warning)
        if json:
            self.stdout.write(_dumps(summary.as_json()))
            return
        self.stdout.write(
            f"{year}年1–{month}月重点项目建设情况（序时进度{formatting.percent(summary.time_progress)}）"
        )
        self.stdout.write(
            f"项目{summary.projects}个（新建{summary.new}个，续建{summary.continuing}个），"
            f"总投资{formatting.yi(summary.total_investment)}亿元，"
            f"年度计划投资{formatting.yi(summary.annual_plan)}亿元"
        )
        self.stdout.write(
            f"已开复工{summary.started}个，开复工率{formatting.percent(summary.start_rate)}；"
            f"完成投资{formatting.yi(summary.completed)}亿元，"
            f"占年度计划{formatting.percent(summary.completion_rate)}，"
            f"{formatting.points(summary.ahead_pp)}"
        )
        self.stdout.write("")
        header = f"{'级别':<6}{'项目数':>6}{'年度计划(万元)':>18}{'完成投资(万元)':>18}{'完成率':>9}{'超序时(百分点)':>14}"
        self.stdout.write(header)
        for level in Level:
            figures = summary.by_level[level.value]
            self.stdout.write(
                f"{level.label:<6}{figures.projects:>9}{formatting.wan(figures.annual_plan):>22}"
                f"{formatting.wan(figures.completed):>22}{formatting.percent(figures.completion_rate):>10}"
                f"{_pp(figures.ahead_pp):>16}"
            )


def _pp(value) -> str:
    rounded = rules.for_page(value)
    return "—" if rounded is None else f"{rounded:+}"


def _dumps(data: dict) -> str:
    return json_module.dumps(data, ensure_ascii=False, indent=2)
