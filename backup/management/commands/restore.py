import time

from django.core.management.base import BaseCommand, CommandError

from audit.services import record_command
from backup.services.archive import BackupError, restore_backup


class Command(BaseCommand):
    help = "从备份文件恢复数据库和上传文件。默认只恢复到空数据库；--force 用备份替换现有数据。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="backup 命令生成的备份文件")
        parser.add_argument(
            "--force", action="store_true", help="数据库已有数据时，删除现有数据后再恢复"
        )

    def handle(self, *args, file: str, force: bool, **options):
        started = time.perf_counter()
        try:
            summary = restore_backup(file, force=force)
        except FileNotFoundError:
            raise CommandError(f"找不到备份文件 {file}。") from None
        except BackupError as error:
            raise CommandError(str(error)) from None
        seconds = time.perf_counter() - started
        # After the restore: the audit trail now is the backup's, and this entry follows it.
        record_command("从备份恢复数据", target=str(file), detail=summary.line())
        self.stdout.write(f"已从 {file} 恢复：{summary.line()}，用时 {seconds:.1f} 秒。")
