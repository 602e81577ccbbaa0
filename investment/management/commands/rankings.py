import json as json_module

from django.core.management.base import BaseCommand, CommandError

from core import formatting
from investment.management.commandline import explanation_lines, incompleteness, period_from_options
from investment.rules.indicators import INDICATORS
from investment.selectors.explain import UnknownUnit, explain_unit
from investment.selectors.rankings import unit_ranking


class Command(BaseCommand):
    help = f"责任单位考核排名（{'、'.join(i.short for i in INDICATORS)}）及红黑榜。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--month", type=int, help="月度排名：截至月份（1–12）")
        parser.add_argument("--quarter", type=int, help="季度排名：季度（1–4）")
        parser.add_argument("--annual", action="store_true", help="年度排名（截至12月）")
        parser.add_argument("--json", action="store_true", help="输出JSON")
        parser.add_argument("--explain", metavar="单位", help="列出该单位各项指标的计算明细")

    def handle(self, *args, year, month, quarter, annual, json: bool, explain, **options):
        period = period_from_options(year=year, month=month, quarter=quarter, annual=annual)
        month = period.month
        if explain:
            try:
                explanation = explain_unit(period, unit=explain.strip())
            except UnknownUnit as error:
                raise CommandError(str(error)) from None
            for line in explanation_lines(explanation):
                self.stdout.write(line)
            return
        ranking = unit_ranking(period)
        if warning := incompleteness(period):
            self.stderr.write(warning)
        if json:
            rows = [score.as_json() for score in ranking.units]
            self.stdout.write(_dumps(rows))
            return
        if quarter:
            title = f"{year}年第{quarter}季度"
        elif annual:
            title = f"{year}年度"
        else:
            title = f"{year}年{month}月"
        self.stdout.write(f"{title}责任单位考核排名（截至{month}月底）")
        # A rate's column is 7 characters wide, its head 6 (a CJK character shows as two).
        heads = "".join(f"{i.text_label:<6}" for i in ranking.indicators)
        self.stdout.write(f"名次  得分    {heads}项目数  单位")
        for s in ranking.units:
            rates = "".join(f"  {formatting.percent(rate):>7}" for rate in s.rates.values())
            self.stdout.write(f"{s.rank:>4}  {s.score:>6}{rates}  {s.projects:>6}  {s.unit}")
        if ranking.list_size:
            self.stdout.write("")
            self.stdout.write("红榜：" + "、".join(s.unit for s in ranking.red_list))
            self.stdout.write("黑榜：" + "、".join(s.unit for s in ranking.black_list))


def _dumps(data) -> str:
    return json_module.dumps(data, ensure_ascii=False, indent=2)
