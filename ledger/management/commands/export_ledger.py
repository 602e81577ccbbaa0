from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.xlsx import render_workbook
from ledger.documents.exporter import ledger_sheets


class Command(BaseCommand):
    help = "导出Excel台账（与导入格式相同，可原样再导入）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=int, help="只导出该年度的计划项目；不填则导出全部")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.xlsx）")

    def handle(self, *args, year: int | None, output: str, **options):
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("输出文件名应以 .xlsx 结尾")
        if not path.parent.exists():
            raise CommandError(f"目录不存在：{path.parent}")
        path.write_bytes(render_workbook(ledger_sheets(year=year)))
        self.stdout.write(f"已导出：{path}")
