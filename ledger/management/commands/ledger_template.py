from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.xlsx import render_workbook
from ledger.documents.exporter import template_sheets


class Command(BaseCommand):
    help = "生成空白台账模板（含各表列名和填写说明）。"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="输出文件（.xlsx）")

    def handle(self, *args, output: str, **options):
        path = Path(output)
        if path.suffix.lower() != ".xlsx":
            raise CommandError("输出文件名应以 .xlsx 结尾")
        if not path.parent.exists():
            raise CommandError(f"目录不存在：{path.parent}")
        path.write_bytes(render_workbook(template_sheets()))
        self.stdout.write(f"已生成模板：{path}")
