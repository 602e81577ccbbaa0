import json as json_module

from django.core.management.base import BaseCommand

from investment.management.commandline import period_from_options
from investment.models import QualityFlag, QualityRule
from investment.selectors.quality import command_rows


class Command(BaseCommand):
    help = "本月数据质量提示：每份月报触发的数据质量规则、状态（待说明/已说明/已核实）和提示。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--month", type=int, required=True, help="月份（1–12）")
        parser.add_argument("--json", action="store_true", help="输出JSON")

    def handle(self, *args, year: int, month: int, json: bool, **options):
        period_from_options(year=year, month=month)
        rows = command_rows(year=year, month=month)
        if json:
            self.stdout.write(json_module.dumps(rows, ensure_ascii=False, indent=2))
            return
        if not rows:
            self.stdout.write(f"{year}年{month}月没有数据质量提示。")
            return
        rules = dict(QualityRule.Code.choices)
        statuses = dict(QualityFlag.Status.choices)
        self.stdout.write(f"{year}年{month}月数据质量提示{len(rows)}条：")
        for row in rows:
            self.stdout.write(
                f"{row['project_code']} {rules[row['rule']]}（{statuses[row['status']]}）："
                f"{row['message']}"
            )
