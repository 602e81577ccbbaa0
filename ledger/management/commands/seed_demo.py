from datetime import date

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from ledger.services.demo import (
    DEMO_PASSWORD,
    DEMO_USERS,
    ensure_demo_users,
    seed_demo,
    unit_reporters,
)
from projects.models import Project


class Command(BaseCommand):
    help = "载入演示县的数据（约30个单位、150个项目、三个年度）和各角色演示账号。"

    def add_arguments(self, parser):
        parser.add_argument("--password", default=DEMO_PASSWORD, help="演示账号的密码")
        parser.add_argument(
            "--if-empty", action="store_true", help="数据库中已有项目时只确保演示账号存在"
        )
        parser.add_argument(
            "--today",
            help="演示数据按哪一天编排（YYYY-MM-DD，默认今天）：应报月份、督办时限都由此推算",
        )

    def handle(self, *args, password: str, if_empty: bool, today: str | None, **options):
        try:
            day = date.fromisoformat(today) if today else None
        except ValueError:
            raise CommandError(
                f"日期“{today}”无法识别，请按YYYY-MM-DD填写，如2026-12-03。"
            ) from None
        if day is not None and day > timezone.localdate():
            raise CommandError(
                f"演示数据的日期（{day:%Y-%m-%d}）不能晚于今天（{timezone.localdate():%Y-%m-%d}）："
                "实际开工、竣工等日期都不能是将来的日子。"
            )
        if Project.objects.exists():
            if not if_empty:
                self.stderr.write("数据库中已有项目，演示数据未载入（清空数据库后再运行）。")
            ensure_demo_users(password=password)
        else:
            result = seed_demo(password=password, today=day)
            for line in result.lines():
                self.stdout.write(line)
        self.stdout.write("演示账号（用户名 / 密码 / 角色）：")
        for username, role, unit, _ in DEMO_USERS:
            where = f"（{unit}）" if unit else ""
            self.stdout.write(f"  {username:<11} {password}  {role.label}{where}")
        others = unit_reporters()[1:]
        self.stdout.write(
            f"  {others[0][0]}–{others[-1][0]} {password}  其余各单位的填报员（每单位一个）"
        )
