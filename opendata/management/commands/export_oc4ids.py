import argparse
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from core.params import YEAR_PROBLEM, is_year, whole_number
from opendata.documents.package import package_json, unmapped
from opendata.selectors import year_to_publish, years_listed


class Command(BaseCommand):
    help = "导出某年度重点项目的开放数据（OC4IDS 0.9 项目数据包，JSON，DESIGN.md §4）。"

    def add_arguments(self, parser):
        parser.add_argument("--year", type=year_given, required=True, help="年度（四位年份）")
        parser.add_argument("-o", "--output", required=True, help="输出文件（.json）")

    def handle(self, *args, year: int, output: str, **options):
        path = Path(output)
        if path.suffix.lower() != ".json":
            raise CommandError("输出文件名应以 .json 结尾")
        if not path.parent.exists():
            raise CommandError(f"目录不存在：{path.parent}")
        data = year_to_publish(year)
        if not data.projects:
            listed = "、".join(f"{y}年" for y in years_listed()) or "无"
            raise CommandError(
                f"{year}年没有列入年度计划的项目，无可导出的数据（有计划的年度：{listed}）"
            )
        path.write_bytes(package_json(data))
        self.stdout.write(f"已导出{year}年{len(data.projects)}个项目：{path}")
        if missing := unmapped(data):
            self.stdout.write(
                f"其中{len(missing)}个项目的行业类别未对应到OC4IDS行业代码，未填sector："
                + "、".join(f"{m.code}（{m.industry or '未填行业类别'}）" for m in missing[:10])
                + ("……" if len(missing) > 10 else "")
            )


def year_given(raw: str) -> int:
    """``--year`` as a year a plan may name; else argparse's error, in Chinese (exit status 2)."""
    year = whole_number(raw)
    if year is None or not is_year(year):
        raise argparse.ArgumentTypeError(f"{YEAR_PROBLEM}，实际为{raw}")
    return year
