"""Rewrites tests' ledger rows given by position into rows by header name (issue 24, item 6).

    .venv/bin/python scripts/rows_by_header.py [tests/some/test_file.py …]   (none: all of tests/)

A sheet written as its header row and positional rows, ``[PROJECT_HEADERS, [code(1), "甲", …]]``
(or ``REPORT_HEADERS``, or ``[*PROJECT_HEADERS, "行业类别", …]``), becomes records of 表头 → value
(tests/builders.py): inside ``load({...})`` the records themselves, the call becoming
``ledger({...})``; anywhere else ``sheet("项目台账", [...])``, which gives back the same header row
and rows. An optional column's empty cell (``None``) is left out (the import reads a blank cell
as "not given": ``ledger.rules.rows.RowReader.optional``); a required column's is kept, since a
missing required column is another error than an empty cell. A sheet whose rows are not all
literal lists of the header's length (rows from a helper, a comprehension) is left as it is, and
so is a file that gives ``ledger`` or ``sheet`` a meaning of its own.

Re-runnable (after a rebase brings new files): a file with nothing left to rewrite is not
touched. The imports are then tidied and the changed files formatted with ruff.
"""

import ast
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.test_settings")
import django  # noqa: E402

django.setup()

from ledger.rules.schema import PROJECTS, REPORTS, SHEETS  # noqa: E402
from tests.workbooks import PROJECT_HEADERS, REPORT_HEADERS  # noqa: E402

HEADERS = {
    "PROJECT_HEADERS": (PROJECTS, PROJECT_HEADERS),
    "REPORT_HEADERS": (REPORTS, REPORT_HEADERS),
}
BUILDERS = "tests.builders"
HELPERS = {ROOT / "tests/workbooks.py", ROOT / "tests/builders.py"}  # what tests.builders imports
Edit = tuple[int, int, str]
SIMPLE = (
    ast.Expr,
    ast.Assign,
    ast.AnnAssign,
    ast.AugAssign,
    ast.Return,
)  # start and end offset in the source, the new text


def headers_of(node: ast.expr) -> tuple[str, list[str]] | None:
    """The sheet and headers ``node`` spells: ``PROJECT_HEADERS`` or ``[*PROJECT_HEADERS, "…"]``."""
    if isinstance(node, ast.Name) and node.id in HEADERS:
        name, headers = HEADERS[node.id]
        return name, list(headers)
    if not (isinstance(node, ast.List) and node.elts and isinstance(node.elts[0], ast.Starred)):
        return None
    first, extra = node.elts[0].value, node.elts[1:]
    if not (isinstance(first, ast.Name) and first.id in HEADERS):
        return None
    names = [e.value for e in extra if isinstance(e, ast.Constant) and isinstance(e.value, str)]
    if len(names) != len(extra):
        return None
    name, headers = HEADERS[first.id]
    return name, [*headers, *names]


def records(node: ast.List) -> tuple[str, list[tuple[ast.List, list[str]]]] | None:
    """The sheet's name and, for each row, the row and the headers it keeps, if ``node`` is a
    header row followed by literal rows of its length."""
    if len(node.elts) < 2 or (found := headers_of(node.elts[0])) is None:
        return None
    name, headers = found
    spec = SHEETS[name]
    if len(set(headers)) != len(headers) or not set(headers) <= set(spec.headers):
        return None
    rows = [row for row in node.elts[1:] if isinstance(row, ast.List)]
    if len(rows) != len(node.elts) - 1 or any(
        len(row.elts) != len(headers) or any(isinstance(e, ast.Starred) for e in row.elts)
        for row in rows
    ):
        return None
    return name, [(row, headers) for row in rows]


def record(source: str, row: ast.List, headers: list[str], required: frozenset[str]) -> str:
    """``row`` as a record of 表头 → value (source text)."""
    cells = [
        f'"{header}": {ast.get_source_segment(source, value)}'
        for header, value in zip(headers, row.elts, strict=True)
        if header in required or not (isinstance(value, ast.Constant) and value.value is None)
    ]
    return "{" + ", ".join(cells) + "}"


def own_names(tree: ast.Module) -> set[str]:
    """The names the module binds itself (not imported from tests.builders)."""
    bound: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            bound.add(node.id)
        elif isinstance(node, ast.arg):
            bound.add(node.arg)
        elif isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            bound.add(node.name)
        elif (
            isinstance(node, ast.Import | ast.ImportFrom)
            and getattr(node, "module", "") != BUILDERS
        ):
            bound.update((alias.asname or alias.name).split(".")[0] for alias in node.names)
    return bound


def rewrite(path: Path, source: str) -> tuple[str, set[str]]:
    """The source with its positional sheets rewritten, and the builders it now uses."""
    tree = ast.parse(source)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    lines = source.splitlines(keepends=True)
    offsets = [0]
    for line in lines:
        offsets.append(offsets[-1] + len(line))

    def offset(line: int, column: int) -> int:  # ast's columns count UTF-8 bytes
        return offsets[line - 1] + len(lines[line - 1].encode()[:column].decode())

    def span(node: ast.expr) -> tuple[int, int]:
        assert node.end_lineno is not None and node.end_col_offset is not None
        return offset(node.lineno, node.col_offset), offset(node.end_lineno, node.end_col_offset)

    edits: set[Edit] = set()
    statements: set[ast.stmt] = set()
    used: set[str] = set()
    for node in ast.walk(tree):
        if not isinstance(node, ast.List) or (found := records(node)) is None:
            continue
        name, rows = found
        # each row where it stood, the header row and what follows it up to the first row gone
        edits.add((span(node.elts[0])[0], span(rows[0][0])[0], ""))
        for row, headers in rows:
            edits.add((*span(row), record(source, row, headers, SHEETS[name].required)))
        holder = parents.get(node)
        call = parents.get(holder) if isinstance(holder, ast.Dict) else None
        if (
            isinstance(call, ast.Call)
            and isinstance(call.func, ast.Name)
            and call.func.id in ("load", "ledger")
            and call.args[:1] == [holder]
        ):
            edits.add((*span(call.func), "ledger"))
            used.add("ledger")
        else:
            start, end = span(node)
            edits.add((start, start, f'sheet("{name}", '))
            edits.add((end, end, ")"))
            used.add("sheet")
        statement: ast.AST = node
        while not isinstance(statement, ast.stmt):
            statement = parents[statement]
        statements.add(statement)
    # A simple statement holding records keeps them one to a line (the formatter would give
    # each cell a line): ``# fmt: skip``, as the positional tables had.
    for statement in statements:
        if isinstance(statement, SIMPLE) and statement.end_lineno is not None:
            line = lines[statement.end_lineno - 1]
            if "# fmt: skip" not in line:
                end = offsets[statement.end_lineno - 1] + len(line.rstrip("\n").rstrip())
                edits.add((end, end, "  # fmt: skip"))
    if not edits:
        return source, set()
    clash = used & own_names(tree)
    if clash:
        print(f"{path}: left as it is, it names {sorted(clash)} itself", file=sys.stderr)
        return source, set()
    for start, end, text in sorted(edits, key=lambda edit: (edit[0], edit[1]), reverse=True):
        source = source[:start] + text + source[end:]
    return source, used


def main(arguments: list[str]) -> None:
    paths = [Path(a) for a in arguments] or sorted((ROOT / "tests").rglob("*.py"))
    paths = [path for path in paths if path.resolve() not in HELPERS]
    changed = []
    for path in paths:
        source = path.read_text()
        new, used = rewrite(path, source)
        if new == source:
            continue
        tree = ast.parse(new)
        first = next(n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom))
        lines = new.splitlines(keepends=True)
        imported = f"from {BUILDERS} import {', '.join(sorted(used))}\n"
        lines.insert(first.lineno - 1, imported)
        path.write_text("".join(lines))
        changed.append(str(path))
    if not changed:
        print("nothing to rewrite")
        return
    ruff = str(ROOT / ".venv/bin/ruff")
    subprocess.run(
        [ruff, "check", "--fix", "--quiet", "--select", "F401,I001", *changed], check=False
    )
    subprocess.run([ruff, "format", "--quiet", *changed], check=True)
    print("\n".join(changed))


if __name__ == "__main__":
    main(sys.argv[1:])
