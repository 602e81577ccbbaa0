import time
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from investment.documents.briefing import briefing_pdf_bytes
from investment.management.commandline import incompleteness, period_from_options


class Command(BaseCommand):
    help = "生成重点项目建设情况简报（PDF），与县领导在系统中下载的文件相同。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, required=True, help="年度")
        parser.add_argument("--month", type=int, help="月度简报：截至月份（1–12）")
        parser.add_argument("--quarter", type=int, help="季度简报：季度（1–4）")
        parser.add_argument("--annual", action="store_true", help="年度简报（截至12月）")
        parser.add_argument("-o", "--output", required=True, help="输出的PDF文件路径")

    def handle(self, *args, year, month, quarter, annual, output, **options):
        period = period_from_options(year=year, month=month, quarter=quarter, annual=annual)
        path = Path(output)
        if path.suffix.lower() != ".pdf":
            raise CommandError(f"输出文件应以 .pdf 结尾：{output}")
        if not path.parent.exists():
            raise CommandError(f"输出目录不存在：{path.parent}")
        started = time.perf_counter()
        data = briefing_pdf_bytes(period)
        path.write_bytes(data)
        seconds = time.perf_counter() - started
        self.stdout.write(f"已生成简报 {path}（{len(data) // 1024} KB，用时{seconds:.1f}秒）")
        if warning := incompleteness(period):  # the PDF says so too
            self.stderr.write(warning)
