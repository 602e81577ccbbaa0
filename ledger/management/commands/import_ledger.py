from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from audit.services import record_command, unrecorded
from ledger.rules.reader import LedgerImportError
from ledger.services.importer import import_ledger

SHOWN = 500


class Command(BaseCommand):
    help = "导入Excel台账（项目台账、月度投资、项目节点、资金申报、督查问题、三个一批）。全部无误才写入。"

    def add_arguments(self, parser):
        parser.add_argument("file", help="台账文件（.xlsx）")
        parser.add_argument("--dry-run", action="store_true", help="只检查并统计，不写入")

    def handle(self, *args, file: str, dry_run: bool, **options):
        path = Path(file)
        if not path.is_file():
            raise CommandError(f"找不到文件：{file}")
        try:
            with unrecorded():  # the command's own entry below says what it did
                result = import_ledger(file=path, filename=path.name, dry_run=dry_run)
        except LedgerImportError as error:
            record_command(
                "命令行导入Excel台账", target=str(path), ok=False,
                detail=f"发现{len(error.problems)}处问题，未写入",
            )  # fmt: skip
            for problem in error.problems[:SHOWN]:
                self.stderr.write(str(problem))
            if len(error.problems) > SHOWN:
                self.stderr.write(f"……另有{len(error.problems) - SHOWN}处问题未列出")
            raise CommandError(
                f"导入失败：发现{len(error.problems)}处问题，未写入任何数据。请修改后重新导入。"
            ) from None
        if not dry_run:
            record_command(
                "命令行导入Excel台账", target=str(path), detail="；".join(result.lines())
            )
        for line in result.lines():
            self.stdout.write(line)
        for name, similar in result.similar_units.items():
            if similar:
                self.stdout.write(
                    f"请核对新建单位“{name}”：系统中名称相近的单位有{'、'.join(similar)}"
                )
        for warning in result.warnings:
            self.stdout.write(f"请核对：{warning}")
        self.stdout.write("检查通过（未写入）。" if dry_run else "导入完成。")
