import time

from django.core.management.base import BaseCommand, CommandError

from audit.services import record_command
from ledger.services.scale import LAST_MONTH, LAST_YEAR, build_scale, database_is_empty

PROJECTS_MAX = 200_000
YEARS_MAX = 10


class Command(BaseCommand):
    help = (
        "生成城市规模的测试数据（批量写入，用于性能测试）：N个项目、截至2026年的K个年度。"
        "只在空数据库（没有责任单位和项目）上运行。"
    )

    def add_arguments(self, parser):
        parser.add_argument("--projects", type=int, default=20_000, help="项目个数，默认20000")
        parser.add_argument("--years", type=int, default=5, help="年度数，默认5（2022–2026年）")

    def handle(self, *args, projects: int, years: int, **options):
        if not 1 <= projects <= PROJECTS_MAX:
            raise CommandError(f"项目个数应在1到{PROJECTS_MAX}之间，收到{projects}。")
        if not 1 <= years <= YEARS_MAX:
            raise CommandError(f"年度数应在1到{YEARS_MAX}之间，收到{years}。")
        if not database_is_empty():
            raise CommandError(
                "数据库中已有责任单位或项目，未生成测试数据：测试数据只能写入空数据库，"
                "以免与真实数据混在一起。请换一个新数据库（或先用 manage.py flush 清空）再运行。"
            )
        started = time.perf_counter()
        counts = build_scale(projects=projects, years=years)
        seconds = time.perf_counter() - started
        detail = f"{projects}个项目、{years}个年度，用时{seconds:.0f}秒"
        record_command("生成性能测试数据", detail=detail)
        for line in counts.lines():
            self.stdout.write(line)
        self.stdout.write(
            f"已生成：{LAST_YEAR - years + 1}–{LAST_YEAR}年的数据（月报截至{LAST_YEAR}年"
            f"{LAST_MONTH}月），用时 {seconds:.1f} 秒。"
        )
