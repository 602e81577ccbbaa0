"""``make bench``: what the main pages and commands cost on one city data set, on SQLite and on
PostgreSQL, against the floor of the same work, kept in bench/results.json (not in the suite).

    make bench                                  # 20,000 projects × 5 years, both databases
    BENCH_PROJECTS=300 BENCH_YEARS=3 make bench # a county; BENCH_PROJECTS=200: under a minute

For each database, in a child process, a fresh test database gets the data set of
``manage.py generate_scale`` (`ledger.services.scale`), then each operation runs
``BENCH_REPEAT`` times (3) and keeps the median (a page after one more run that counts its
queries (an execute wrapper) and its size, not timed); the four that take minutes at a city's size (the ledger's
export and import, backup, restore) run ``BENCH_REPEAT_HEAVY`` times (1):

- the pages of issue 26's table through Django's test client as the office (server time);
- the summary, the ranking and the lag list (the selectors) against hand-written SQL for the
  same figures (benchmarks/bounds.py, checked equal first);
- the Excel exports against openpyxl's write-only workbook writing the same rows;
- the ledger import of the whole data set's export, into an emptied database, against
  openpyxl's bare read-only parse of the same file; the briefing PDF (kept under the data
  version, and laid out afresh as after a write: ``briefing_pdf_fresh``); backup and restore.

The parent writes bench/results.json (``{"db": {"operation": {"median_s", "bound_s", "ratio",
"queries", ...}}}``) and the table between the markers of docs/benchmarks.md, with the machine
and the date (``BENCH_NOTE`` adds a line), and fails, naming them, when operations are more
than 20 % slower than in the committed bench/results.json at the same size (and 0.02 s: below
that a shared machine's noise is larger than any change).
"""

import io
import json
import os
import platform
import statistics
import subprocess
import sys
import tempfile
import textwrap
import time
from collections.abc import Callable
from datetime import date
from functools import partial
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "bench" / "results.json"
DOC = ROOT / "docs" / "benchmarks.md"
START, END = "<!-- bench:start -->", "<!-- bench:end -->"
SLOWER, NOISE = 1.20, 0.02
DATABASES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
# operation → what the table calls it, in the order it is shown
LABELS = {
    "generate_scale": "数据生成 generate_scale",
    "dashboard": "总体情况（缓存）",
    "dashboard_fresh": "总体情况（写后首次）",
    "rankings_month": "考核排名（月度，缓存）",
    "rankings_month_fresh": "考核排名（月度，写后首次）",
    "rankings_quarter": "考核排名（季度，缓存）",
    "rankings_quarter_fresh": "考核排名（季度，写后首次）",
    "lag_page": "滞后预警",
    "board": "挂图作战（缓存）",
    "board_fresh": "挂图作战（写后首次）",
    "board_xlsx": "挂图作战 Excel",
    "lag_xlsx": "滞后预警 Excel",
    "briefing_pdf": "简报 PDF（月度，缓存）",
    "briefing_pdf_fresh": "简报 PDF（月度，写后首次）",
    "summary": "汇总 portfolio_summary",
    "ranking": "排名 unit_ranking",
    "lag_list": "滞后清单 lag_warnings",
    "ledger_export": "台账导出 export_ledger",
    "ledger_import": "台账导入 import_ledger",
    "backup": "备份 backup",
    "restore": "恢复 restore",
}
PAGES: dict[str, tuple[str, dict[str, str]]] = {  # operation → (URL name, query string)
    "dashboard": ("dashboard", {}),
    "rankings_month": ("rankings", {}),
    "rankings_quarter": ("rankings", {"kind": "quarter"}),
    "lag_page": ("lag_warnings", {}),
    "board": ("board", {}),
    "board_xlsx": ("board", {"format": "xlsx"}),
    "lag_xlsx": ("lag_warnings", {"format": "xlsx"}),
    "briefing_pdf": ("briefing_pdf", {"kind": "month"}),
}
# The pages whose figures are cached: each timed again as the first view after a write.
CACHED = ("dashboard", "rankings_month", "rankings_quarter", "board", "briefing_pdf")


# --- the child: one database ----------------------------------------------------------


def median_of(
    work: Callable[[], Any], repeat: int, before: Callable[[], Any] | None = None
) -> float:
    timings = []
    for _ in range(repeat):
        if before:
            before()
        started = time.perf_counter()
        work()
        timings.append(time.perf_counter() - started)
    return statistics.median(timings)


def entry(median: float, *, bound: float | None = None, queries: int | None = None,
          **extra: Any) -> dict[str, Any]:  # fmt: skip
    return {
        "median_s": round(median, 4),
        "bound_s": None if bound is None else round(bound, 4),
        "ratio": None if not bound else round(median / bound, 2),
        "queries": queries,
        **extra,
    }


class Counted:
    """The queries run inside the block, counted as they go (the test client's request clears
    Django's own query log when it starts, and DEBUG is off)."""

    def __init__(self, connection: Any) -> None:
        self.connection, self.count = connection, 0

    def __call__(self, execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        self.count += 1
        return execute(sql, params, many, context)

    def __enter__(self) -> "Counted":
        self.wrapper = self.connection.execute_wrapper(self)
        self.wrapper.__enter__()
        return self

    def __exit__(self, *exc: Any) -> None:
        self.wrapper.__exit__(*exc)

    def __len__(self) -> int:
        return self.count


def written_by_openpyxl(sheets: dict[str, list[tuple[Any, ...]]]) -> Callable[[], bytes]:
    """The floor of an export: openpyxl's write-only workbook writing the same rows."""
    from openpyxl import Workbook

    def write() -> bytes:
        book = Workbook(write_only=True)
        for name, rows in sheets.items():
            sheet = book.create_sheet(title=name)
            for row in rows:
                sheet.append(row)
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    return write


def rows_of(data: bytes | Path) -> dict[str, list[tuple[Any, ...]]]:
    from openpyxl import load_workbook

    book = load_workbook(io.BytesIO(data) if isinstance(data, bytes) else data, read_only=True)
    sheets = {sheet.title: list(sheet.iter_rows(values_only=True)) for sheet in book.worksheets}
    book.close()
    return sheets


def measure(projects: int, years: int, repeat: int, heavy: int, workdir: Path) -> dict[str, Any]:
    import django

    django.setup()
    import bounds  # benchmarks/bounds.py, beside this script
    from django.conf import settings
    from django.core.cache import caches
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.test.runner import DiscoverRunner
    from django.test.utils import override_settings, setup_test_environment
    from django.urls import reverse

    from backup.services.archive import make_backup, restore_backup
    from core.xlsx import render_workbook
    from investment.rules.periods import Period
    from investment.selectors.portfolio import portfolio_summary
    from investment.selectors.progress import lag_warnings
    from investment.selectors.rankings import unit_ranking
    from ledger.documents.exporter import ledger_sheets
    from ledger.services.importer import import_ledger
    from ledger.services.scale import LAST_MONTH, LAST_YEAR, build_scale
    from projects.models import User

    database = settings.DATABASES["default"]
    if database["ENGINE"].endswith("sqlite3"):  # a file, as a real installation's
        database.setdefault("TEST", {})["NAME"] = str(workdir / "bench.sqlite3")
    setup_test_environment()
    runner = DiscoverRunner(verbosity=0, interactive=False)
    old = runner.setup_databases()
    results: dict[str, Any] = {}
    say = lambda text: print(f"  {connection.vendor}: {text}", file=sys.stderr, flush=True)  # noqa: E731
    try:
        started = time.perf_counter()
        build_scale(projects=projects, years=years)
        results["generate_scale"] = entry(time.perf_counter() - started)
        say(f"built in {results['generate_scale']['median_s']:.1f} s")
        office = User.objects.create_user("bench-office", role=User.Role.OFFICER)
        client = Client()
        client.force_login(office)
        period_params = {"year": LAST_YEAR, "month": LAST_MONTH}
        exported: dict[str, bytes] = {}
        # A city's exports and briefing are a background job's (EXPORT_BACKGROUND_PROJECTS): timed
        # as the request a county's makes, the same document function the job runs.
        background = override_settings(EXPORT_BACKGROUND_PROJECTS=sys.maxsize)
        background.enable()
        for operation, (name, params) in PAGES.items():
            url = reverse(name)
            query: dict[str, Any] = {**period_params, **params}
            with Counted(connection) as queries:
                response = client.get(url, query)
            assert response.status_code == 200, (operation, response.status_code)
            seconds = median_of(partial(client.get, url, query), repeat)
            results[operation] = entry(seconds, queries=len(queries), bytes=len(response.content))
            if params.get("format") == "xlsx":
                exported[operation] = response.content
            say(f"{operation} {seconds:.2f} s")
        # 总体情况, 考核排名, 挂图作战 and the briefing keep their figures until the next write
        # (investment.selectors.figure_cache), so their timed runs above read them from the
        # cache: the first view after a write (the cache emptied before each run) computes them.
        for operation in CACHED:
            url, query = reverse(PAGES[operation][0]), {**period_params, **PAGES[operation][1]}
            with Counted(connection) as queries:
                client.get(url, query)
            results[operation]["queries"] = len(queries)  # as timed: its figures from the cache
            with Counted(connection) as queries:
                caches["figures"].clear()
                client.get(url, query)
            clear = caches["figures"].clear
            seconds = median_of(partial(client.get, url, query), repeat, before=clear)
            results[f"{operation}_fresh"] = entry(seconds, queries=len(queries))
            say(f"{operation}_fresh {seconds:.2f} s")
        for operation, content in exported.items():  # the exports against openpyxl alone
            bound = median_of(written_by_openpyxl(rows_of(content)), repeat)
            results[operation].update(entry(results[operation]["median_s"], bound=bound,
                                            queries=results[operation]["queries"],
                                            bytes=len(content)))  # fmt: skip
        background.disable()

        period = Period.of(LAST_YEAR, LAST_MONTH)
        check_bounds(period, portfolio_summary, unit_ranking, lag_warnings, bounds)
        for operation, selector, sql in (
            ("summary", portfolio_summary, bounds.summary),
            ("ranking", unit_ranking, bounds.ranking),
            ("lag_list", lag_warnings, bounds.lag_list),
        ):
            with Counted(connection) as queries:
                selector(Period.of(LAST_YEAR, LAST_MONTH))
            seconds = median_of(partial(fresh, selector), repeat)  # each run reads its settings
            bound = median_of(partial(sql, period), repeat)
            results[operation] = entry(seconds, bound=bound, queries=len(queries))
            say(f"{operation} {seconds:.2f} s, SQL {bound:.2f} s")

        if not heavy:  # BENCH_HEAVY=0: the pages and selectors alone
            return finish(results, projects, years, connection)
        ledger = workdir / "ledger.xlsx"
        with Counted(connection) as queries:
            ledger.write_bytes(render_workbook(ledger_sheets(year=None)))
        seconds = median_of(lambda: render_workbook(ledger_sheets(year=None)), heavy)
        bound = median_of(written_by_openpyxl(rows_of(ledger)), heavy)
        results["ledger_export"] = entry(seconds, bound=bound, queries=len(queries),
                                         bytes=ledger.stat().st_size)  # fmt: skip
        say(f"ledger_export {seconds:.2f} s")

        archive = workdir / "backup.zip"
        results["backup"] = entry(median_of(lambda: make_backup(archive), heavy),
                                  bytes=archive.stat().st_size)  # fmt: skip
        say(f"backup {results['backup']['median_s']:.2f} s")

        def empty() -> None:
            call_command("flush", interactive=False, verbosity=0)

        settings.LEDGER_MAX_BYTES = max(settings.LEDGER_MAX_BYTES, ledger.stat().st_size)
        bare = median_of(lambda: rows_of(ledger), heavy)
        seconds = median_of(
            lambda: import_ledger(file=ledger, filename=ledger.name), heavy, before=empty
        )
        results["ledger_import"] = entry(seconds, bound=bare, bytes=ledger.stat().st_size)
        say(f"ledger_import {seconds:.2f} s, bare parse {bare:.2f} s")
        results["restore"] = entry(median_of(lambda: restore_backup(archive), heavy, before=empty))
        say(f"restore {results['restore']['median_s']:.2f} s")
        return finish(results, projects, years, connection)
    finally:
        runner.teardown_databases(old)


def finish(results: dict[str, Any], projects: int, years: int, connection: Any) -> dict[str, Any]:
    for result in results.values():
        result.update(projects=projects, years=years)
    return {"results": results, "version": server_version(connection)}


def fresh(selector: Callable[[Any], Any]) -> Any:
    """The selector for a new period, as a page asks it (its settings read again)."""
    from investment.rules.periods import Period
    from ledger.services.scale import LAST_MONTH, LAST_YEAR

    return selector(Period.of(LAST_YEAR, LAST_MONTH))


def check_bounds(period: Any, portfolio_summary: Any, unit_ranking: Any, lag_warnings: Any,
                 bounds: Any) -> None:  # fmt: skip
    """The SQL floor computes the same figures as the app, or its time means nothing."""
    summary = portfolio_summary(period)
    for level, row in bounds.summary(period).items():
        figures = summary.by_level[level]
        app = (figures.projects, figures.new, figures.started, figures.total_investment,
               figures.annual_plan, figures.completed)  # fmt: skip
        assert all(bounds.same(a, b) for a, b in zip(app, row, strict=True)), (level, app, row)
    ranking = {score.unit_id: score for score in unit_ranking(period).units}
    counted = bounds.ranking(period)
    assert set(ranking) == set(counted), "ranking: other units"
    for unit, counts in counted.items():
        for name, value in counts.items():
            assert bounds.same(getattr(ranking[unit], name), value), (unit, name, value)
    app_rows = sorted(warning.progress.plan_id for warning in lag_warnings(period))
    assert app_rows == bounds.lag_list(period), "lag list: other rows"


def server_version(connection: Any) -> str:
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SHOW server_version")
            return f"PostgreSQL {cursor.fetchone()[0].split()[0]}"
    import sqlite3

    return f"SQLite {sqlite3.sqlite_version}"


# --- the parent: both databases, the file, the doc, the verdict -------------------------


def run_child(database: str, projects: int, years: int, repeat: int, heavy: int) -> dict[str, Any]:
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.test_settings",
        "DEBUG": "0",  # as in production; queries are counted by an execute wrapper
        "SECRET_KEY": os.environ.get("SECRET_KEY", "bench-only-not-a-secret"),
        "HTTPS": "0",
        "LOG_FILE": "",
    }
    if database == "sqlite":
        env.pop("DATABASE_URL", None)
    else:
        env["DATABASE_URL"] = os.environ.get(
            "PG_URL", "postgres://postgres@127.0.0.1:5432/keyprojects"
        )
    with tempfile.TemporaryDirectory(prefix="bench-") as workdir:
        out = Path(workdir) / "out.json"
        sizes = [str(number) for number in (projects, years, repeat, heavy)]
        command = [sys.executable, __file__, "--child", *sizes, workdir, str(out)]
        subprocess.run(command, check=True, cwd=ROOT, env=env)
        return json.loads(out.read_text())


def results_file(projects: int, years: int) -> Path:
    """bench/results.json for a city (20,000 × 5); bench/results-300x3.json and so on for another size."""
    if (projects, years) == (20000, 5):
        return RESULTS
    return RESULTS.with_name(f"results-{projects}x{years}.json")


def committed(path: Path) -> dict[str, Any]:
    """The size's results as committed (the working copy when git has none)."""
    shown = subprocess.run(["git", "show", f"HEAD:bench/{path.name}"], cwd=ROOT,
                           capture_output=True, text=True)  # fmt: skip
    if shown.returncode == 0:
        return json.loads(shown.stdout)
    return json.loads(path.read_text()) if path.exists() else {}


def markers(projects: int, years: int) -> tuple[str, str]:
    """docs/benchmarks.md keeps one table a size between its own markers."""
    if (projects, years) == (20000, 5):
        return START, END
    return f"<!-- bench:start {projects}x{years} -->", f"<!-- bench:end {projects}x{years} -->"


def slower(new: dict[str, Any], old: dict[str, Any]) -> list[str]:
    found = []
    for database, operations in new.items():
        for operation, now in operations.items():
            before = old.get(database, {}).get(operation)
            if not before or (before.get("projects"), before.get("years")) != (
                now["projects"],
                now["years"],
            ):
                continue
            if now["median_s"] > before["median_s"] * SLOWER + NOISE:
                found.append(f"{DATABASES[database]} {LABELS.get(operation, operation)}: "
                             f"{now['median_s']:.2f} s, committed {before['median_s']:.2f} s")  # fmt: skip
    return found


def machine() -> str:
    memory = next(line for line in Path("/proc/meminfo").read_text().splitlines()
                  if line.startswith("MemTotal"))  # fmt: skip
    gigabytes = int(memory.split()[1]) / 1024 / 1024
    return (f"{os.cpu_count()} cores, {gigabytes:.0f} GB RAM, {platform.system()} "
            f"{platform.release()}, Python {platform.python_version()}")  # fmt: skip


def seconds(value: float | None) -> str:
    return "—" if value is None else f"{value:.2f}" if value >= 0.1 else f"{value:.3f}"


def table(results: dict[str, Any], versions: dict[str, str], projects: int, years: int) -> str:
    """The figures as docs/benchmarks.md shows them, with the machine and the date."""
    repeat = os.environ.get("BENCH_REPEAT", "3")
    heavy = os.environ.get("BENCH_REPEAT_HEAVY", "1")
    lines = [
        f"Measured on {date.today().isoformat()}: {projects:,} projects × {years} years "
        f"(`BENCH_PROJECTS={projects} BENCH_YEARS={years}`), median of {repeat} runs "
        f"({heavy} for the ledger, backup and restore).",
        f"Machine: {machine()}; {', '.join(versions.values())}.",
    ]
    lines += textwrap.wrap(os.environ.get("BENCH_NOTE", ""), 150)
    dbs = list(results)
    columns = " | ".join(f"{DATABASES[db]} s | bound s | ratio | queries" for db in dbs)
    lines += ["", f"| operation | {columns} | KB |", "| --- |" + " ---: |" * (4 * len(dbs) + 1)]
    for operation, label in LABELS.items():
        if operation not in results[dbs[0]]:
            continue
        cells = []
        for db in dbs:
            result = results[db].get(operation, {})
            ratio, queries = result.get("ratio"), result.get("queries")
            cells += [seconds(result.get("median_s")), seconds(result.get("bound_s")),
                      "—" if ratio is None else f"{ratio:.2f}×",
                      "—" if queries is None else str(queries)]  # fmt: skip
        size = results[dbs[-1]].get(operation, {}).get("bytes")
        cells.append("—" if size is None else f"{size / 1024:,.0f}")
        lines.append(f"| {label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)


def write(path: Path, results: dict[str, Any], shown: str, projects: int, years: int) -> None:
    path.parent.mkdir(exist_ok=True)
    path.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    start, end = markers(projects, years)
    text = DOC.read_text(encoding="utf-8")
    if start not in text:
        text += f"\n### {projects:,} projects × {years} years\n\n{start}\n{end}\n"
    head, _, rest = text.partition(start)
    _, _, tail = rest.partition(end)
    DOC.write_text(f"{head}{start}\n{shown}\n{end}{tail}", encoding="utf-8")


def main() -> int:
    projects = int(os.environ.get("BENCH_PROJECTS", "20000"))
    years = int(os.environ.get("BENCH_YEARS", "5"))
    repeat = int(os.environ.get("BENCH_REPEAT", "3"))
    heavy = (
        int(os.environ.get("BENCH_REPEAT_HEAVY", "1"))
        if os.environ.get("BENCH_HEAVY", "1") != "0"
        else 0
    )
    chosen = os.environ.get("BENCH_DATABASES", ",".join(DATABASES)).split(",")
    path = results_file(projects, years)
    old = committed(path)
    results, versions = {}, {}
    for database in (database for database in DATABASES if database in chosen):
        print(f"{DATABASES[database]}: {projects:,} projects × {years} years", file=sys.stderr)
        child = run_child(database, projects, years, repeat, heavy)
        results[database], versions[database] = child["results"], child["version"]
    regressions = slower(results, old)
    if os.environ.get("BENCH_WRITE", "1") != "0":  # BENCH_WRITE=0: print the table, keep the files
        write(path, results, table(results, versions, projects, years), projects, years)
    print(table(results, versions, projects, years))
    if regressions:
        print("Slower than the committed bench/results.json by more than 20 %:", file=sys.stderr)
        for line in regressions:
            print(f"  {line}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    if sys.argv[1:2] == ["--child"]:
        sys.path.insert(0, str(ROOT))
        projects, years, repeat, heavy = (int(value) for value in sys.argv[2:6])
        out = measure(projects, years, repeat, heavy, Path(sys.argv[6]))
        Path(sys.argv[7]).write_text(json.dumps(out))
    else:
        sys.exit(main())
