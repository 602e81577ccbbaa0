import time

from django.core.management.base import BaseCommand, CommandError

from audit.services import record_command
from backup.rules.signing import signs_with_the_development_key
from backup.services.archive import make_backup


class Command(BaseCommand):
    help = "备份数据库和上传文件到一个 zip 文件（一致性快照，附记录数和校验值）。"

    def add_arguments(self, parser):
        parser.add_argument("-o", "--output", required=True, help="备份文件路径，如 backup.zip")

    def handle(self, *args, output: str, **options):
        started = time.perf_counter()
        try:
            summary = make_backup(output)
        except OSError as error:
            raise CommandError(f"无法写入备份文件 {output}：{error.strerror}") from None
        seconds = time.perf_counter() - started
        record_command("备份数据", target=str(output), detail=summary.line())
        self.stdout.write(f"已备份到 {output}：{summary.line()}，用时 {seconds:.1f} 秒。")
        if signs_with_the_development_key():
            self.stderr.write(
                "注意：本次备份用的是开发环境的默认密钥（未设置 SECRET_KEY 或 BACKUP_KEY），"
                "任何人都能伪造这样的备份；生产系统上请在设置了 SECRET_KEY 的环境中备份。"
            )
