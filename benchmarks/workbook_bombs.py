"""Time and peak memory of each hostile workbook of issue 22, through the ledger import and
导入填报员 (not part of the suite; the tests build small ones and bound their time).

    .venv/bin/python benchmarks/workbook_bombs.py [NAME ...] [--timeout SECONDS]

Each bomb is built in this process, written to a temporary file, then checked in a fresh
child process against a migrated SQLite database in a file: the ledger's preview
(``import_ledger(dry_run=True)``) or 导入填报员's (``reporters_import(dry_run=True)``). The child
prints how the call ended (the refusal's first words, or what it read), its time, and the peak
resident memory of the call (VmHWM, reset just before it). A child still running after the
timeout is killed, and reported as such.
"""

import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

KB = 1024
MB = 1024 * KB


def bombs() -> dict[str, tuple[str, object]]:
    """name → (which import, a function building the file)."""
    from tests import bombs as b

    reporters = [[f"user{n}", f"姓名{n}", 13900000000 + n, "县住建局"] for n in range(1, 301)]
    person = [["zs", "张三", 13900000001, "县住建局"]]
    report = [["2024-510623-47-01-000001", 2024, 3, 1]]
    tiny_36_mb = 36 * MB // len(b"<si><t>a</t></si>")
    tiny_100_mb = 100 * MB // len(b"<si><t>a</t></si>")
    return {
        "people-2m-strings": ("people", lambda: b.many_strings(b.people(person), 2_000_000)),
        "people-5m-strings": ("people", lambda: b.many_strings(b.people(person), 5_000_000)),
        "people-45m-strings": ("people", lambda: b.many_strings(b.people(person), 45_000_000)),
        "people-long-units": ("people", lambda: b.long_units(500, 32_000)),
        "people-declares-xfd1048576": (
            "people",
            lambda: b.declaring(b.people(reporters), "A1:XFD1048576"),
        ),  # fmt: skip
        "people-row-100000000": ("people", lambda: b.row_numbered(b.people(person), 100_000_000)),
        "ledger-2m-strings": ("ledger", lambda: b.many_strings(b.ledger(report), 2_000_000)),
        "ledger-36mb-tiny-strings": (
            "ledger",
            lambda: b.many_strings(b.ledger(report), tiny_36_mb),
        ),
        "ledger-100mb-tiny-strings": (
            "ledger",
            lambda: b.many_strings(b.ledger(report), tiny_100_mb),
        ),  # fmt: skip
        "ledger-strings-under-another-name": (
            "ledger",
            lambda: b.strings_elsewhere(b.ledger(report), 2 * tiny_100_mb),
        ),  # fmt: skip
        "ledger-declares-xfd1048576": (
            "ledger",
            lambda: b.declaring(b.ledger(report), "A1:XFD1048576"),
        ),  # fmt: skip
        "ledger-row-100000000": ("ledger", lambda: b.row_numbered(b.ledger(report), 100_000_000)),
    }


def child(kind: str, path: str, database: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
    import django

    django.setup()
    from django.core.exceptions import ValidationError

    from accounts.services.people_import import reporters_import
    from ledger.rules.reader import LedgerImportError
    from ledger.services.importer import import_ledger
    from projects.models import User

    data = Path(path).read_bytes()
    admin = User.objects.get(username="admin")
    with open("/proc/self/clear_refs", "w") as clear:
        clear.write("5")  # resets VmHWM, the peak resident set size
    started = time.perf_counter()
    try:
        if kind == "ledger":
            result = import_ledger(data=data, filename="bomb.xlsx", dry_run=True)
            outcome = f"read: {result.lines()}"
        else:
            checked = reporters_import(user=admin, data=data, dry_run=True).file
            problems = checked.problems
            outcome = (
                f"read: {len(checked.reporters)} reporters, {len(problems)} problems"
                + (f", first {problems[0][:60]!r}" if problems else "")
                + f", {sum(len(p) for p in problems) / MB:.1f} MB of messages"
            )
    except (LedgerImportError, ValidationError) as error:
        outcome = f"refused: {str(getattr(error, 'message', error))[:70]}"
    elapsed = time.perf_counter() - started
    with open("/proc/self/status") as status:
        peak = next(int(line.split()[1]) for line in status if line.startswith("VmHWM"))
    print(json.dumps({"outcome": outcome, "seconds": elapsed, "peak_mb": peak / 1024}))


def prepare(database: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    subprocess.run(
        [sys.executable, "manage.py", "migrate", "-v0"],
        cwd=ROOT, check=True, env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.test_settings"},
    )  # fmt: skip
    script = (
        "from projects.models import Unit, User;"
        "Unit.objects.create(name='县住建局');"
        "User.objects.create_user('admin', role=User.Role.ADMIN)"
    )
    subprocess.run(
        [sys.executable, "manage.py", "shell", "-c", script],
        cwd=ROOT, check=True, env=os.environ | {"DJANGO_SETTINGS_MODULE": "config.test_settings"},
    )  # fmt: skip


def main(names: list[str], timeout: float) -> None:
    workdir = Path(tempfile.mkdtemp(prefix="bombs-"))
    try:
        prepare(str(workdir / "template.sqlite3"))
        for name, (kind, build) in bombs().items():
            if names and name not in names:
                continue
            path = workdir / f"{name}.xlsx"
            path.write_bytes(build())  # type: ignore[operator]
            database = workdir / "run.sqlite3"
            shutil.copy(workdir / "template.sqlite3", database)
            try:
                run = subprocess.run(
                    [sys.executable, __file__, "--child", kind, str(path), str(database)],
                    cwd=ROOT, capture_output=True, text=True, timeout=timeout,
                )  # fmt: skip
                last = (run.stdout.strip().splitlines() or ["{}"])[-1]
                figures = json.loads(last) if run.returncode == 0 else {}
                line = (
                    f"{figures['seconds']:7.2f} s {figures['peak_mb']:7.0f} MB  {figures['outcome']}"
                    if figures
                    else f"failed: {run.stderr.strip().splitlines()[-1:]}"
                )
            except subprocess.TimeoutExpired:
                line = f"killed after {timeout:.0f} s"
            size = path.stat().st_size
            print(f"{name:36} {size / KB:8.0f} KB  {line}", flush=True)
            path.unlink()
    finally:
        shutil.rmtree(workdir)


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        child(*sys.argv[2:5])
    else:
        arguments = sys.argv[1:]
        timeout = 300.0
        if "--timeout" in arguments:
            at = arguments.index("--timeout")
            timeout = float(arguments[at + 1])
            del arguments[at : at + 2]
        main(arguments, timeout)
