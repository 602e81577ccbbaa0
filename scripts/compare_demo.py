#!/usr/bin/env python
"""The demo county's figures, files and pages, written down so that a refactor can show it
changed none of them.

    .venv/bin/python scripts/compare_demo.py --write before.json   # on the old commit
    .venv/bin/python scripts/compare_demo.py --compare before.json # on the new one

It builds the demo county in a new SQLite database on a fixed day (the clock stands still at
2026-12-03 10:00, so every date and timestamp is the same from run to run), then records:
the figure commands' JSON (portfolio_summary, rankings, data_quality, overruns), the ledger
export cell by cell, the text of the monthly, quarterly and annual briefings and of three
one-page project sheets, and the visible text of the pages each role opens. `--compare`
prints every entry that differs and exits 1 when any does.
"""

import argparse
import io
import json
import os
import sys
import tempfile
from datetime import datetime
from html.parser import HTMLParser
from pathlib import Path
from zoneinfo import ZoneInfo

ROOT = Path(__file__).resolve().parent.parent
TODAY = datetime(2026, 12, 3, 10, 0, tzinfo=ZoneInfo("Asia/Shanghai"))

# Each page's URL, opened by the role that works on it (the demo logins).
PAGES = {
    "office": [
        "/",
        "/projects/",
        "/rankings/",
        "/rankings/?kind=quarter",
        "/rankings/?kind=year&year=2025",
        "/warnings/?level=red",
        "/warnings/",
        "/board/",
        "/overruns/",
        "/quality/",
        "/review/",
        "/funds/",
        "/supervision/",
        "/notices/",
        "/settings/year/",
        "/settings/warnings/",
        "/settings/quality/",
        "/units/",
    ],
    "reporter": ["/", "/reports/", "/projects/"],
    "leader": ["/", "/briefing/", "/rankings/", "/board/"],
    "supervisor": ["/", "/supervision/", "/supervision/inspections/"],
    "security": ["/security/users/"],
    "auditor": ["/audit/", "/audit/history/"],
    "admin": ["/people/"],
}


class _Text(HTMLParser):
    """The text a person reads on a page: no scripts, styles or hidden tokens."""

    def __init__(self) -> None:
        super().__init__()
        self.parts: list[str] = []
        self._skip = 0

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style"):
            self._skip += 1

    def handle_endtag(self, tag):
        if tag in ("script", "style") and self._skip:
            self._skip -= 1

    def handle_data(self, data):
        if not self._skip and data.strip():
            self.parts.append(" ".join(data.split()))


def page_text(html: str) -> list[str]:
    parser = _Text()
    parser.feed(html)
    return parser.parts


def pdf_text(data: bytes) -> list[str]:
    from pypdf import PdfReader

    return [page.extract_text() for page in PdfReader(io.BytesIO(data)).pages]


def command_json(name: str, *args: str) -> object:
    from django.core.management import call_command

    out = io.StringIO()
    call_command(name, *args, "--json", stdout=out, stderr=io.StringIO())
    return json.loads(out.getvalue())


def ledger_cells(path: Path) -> dict[str, list[list[str]]]:
    from openpyxl import load_workbook

    book = load_workbook(path, read_only=True)
    return {
        sheet.title: [
            ["" if v is None else str(v) for v in row] for row in sheet.iter_rows(values_only=True)
        ]
        for sheet in book.worksheets
    }


def record() -> dict[str, object]:
    from django.core.management import call_command
    from django.test import Client

    from projects.models import Project, User

    call_command("migrate", "--noinput", verbosity=0)
    call_command("seed_demo", "--today", TODAY.date().isoformat(), stdout=io.StringIO())
    from investment.rules.periods import due_period

    year, month = due_period(TODAY.date())
    quarter = (month - 1) // 3 + 1
    done_quarter = quarter if month % 3 == 0 else quarter - 1
    facts: dict[str, object] = {"due": [year, month]}
    for m in range(1, month + 1):
        facts[f"portfolio_summary {year}-{m}"] = command_json(
            "portfolio_summary", "--year", str(year), "--month", str(m)
        )
    facts[f"portfolio_summary {year - 1}-12"] = command_json(
        "portfolio_summary", "--year", str(year - 1), "--month", "12"
    )
    facts[f"rankings {year}-{month}"] = command_json(
        "rankings", "--year", str(year), "--month", str(month)
    )
    for q in range(1, done_quarter + 1):
        facts[f"rankings {year}Q{q}"] = command_json(
            "rankings", "--year", str(year), "--quarter", str(q)
        )
    facts[f"rankings {year - 1} annual"] = command_json(
        "rankings", "--year", str(year - 1), "--annual"
    )
    facts[f"data_quality {year}-{month}"] = command_json(
        "data_quality", "--year", str(year), "--month", str(month)
    )
    facts[f"overruns {year}-{month}"] = command_json(
        "overruns", "--year", str(year), "--month", str(month)
    )

    with tempfile.TemporaryDirectory() as folder:
        for which in (str(year), None):
            path = Path(folder) / "ledger.xlsx"
            call_command(
                "export_ledger",
                *(["--year", which] if which else []),
                "-o",
                str(path),
                stdout=io.StringIO(),
            )
            facts[f"ledger {which or 'all'}"] = ledger_cells(path)
        briefings = {
            "monthly": ["--month", str(month)],
            f"Q{done_quarter}": ["--quarter", str(done_quarter)],
            f"{year - 1} annual": ["--annual"],
        }
        for name, args in briefings.items():
            path = Path(folder) / "briefing.pdf"
            briefing_year = str(year - 1) if "annual" in name else str(year)
            call_command(
                "briefing",
                "--year",
                briefing_year,
                *args,
                "-o",
                str(path),
                stdout=io.StringIO(),
                stderr=io.StringIO(),
            )
            facts[f"briefing {name}"] = pdf_text(path.read_bytes())

    client = Client(HTTP_HOST="127.0.0.1")
    for username, urls in PAGES.items():
        client.logout()
        client.force_login(User.objects.get(username=username))
        for url in urls:
            response = client.get(url, follow=True)
            assert response.status_code == 200, (url, response.status_code)
            facts[f"page {username} {url}"] = page_text(response.content.decode())
        if username == "leader":
            for project in Project.objects.order_by("code")[:3]:
                response = client.get(f"/projects/{project.pk}/sheet.pdf")
                assert response["Content-Type"] == "application/pdf", response.status_code
                facts[f"sheet {project.code}"] = pdf_text(response.getvalue())
    return facts


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    which = parser.add_mutually_exclusive_group(required=True)
    which.add_argument("--write", metavar="FILE", help="record the demo county into FILE")
    which.add_argument("--compare", metavar="FILE", help="record again and compare with FILE")
    options = parser.parse_args()

    database = Path(tempfile.mkdtemp()) / "demo.sqlite3"
    os.environ["DATABASE_URL"] = f"sqlite:///{database}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    sys.path.insert(0, str(ROOT))
    import django
    import time_machine

    with time_machine.travel(TODAY, tick=False):
        django.setup()
        facts = record()
    if options.write:
        Path(options.write).write_text(
            json.dumps(facts, ensure_ascii=False, indent=1), encoding="utf-8"
        )
        print(f"recorded {len(facts)} entries into {options.write}")
        return 0
    before = json.loads(Path(options.compare).read_text(encoding="utf-8"))
    now = json.loads(json.dumps(facts, ensure_ascii=False))
    changed = sorted(key for key in before.keys() | now.keys() if before.get(key) != now.get(key))
    for key in changed:
        print(f"differs: {key}")
    print(f"{len(now)} entries compared, {len(changed)} differ")
    return 1 if changed else 0


if __name__ == "__main__":
    sys.exit(main())
