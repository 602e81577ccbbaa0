"""The docs name only what exists: every file, folder, module and name they put in backticks
(`investment/rules/periods.py`, `core.versioning.locked_current`) is found in the tree, so a
module that is moved or deleted fails here until the docs follow it. And the map stays short:
docs/architecture.md under 250 lines, and no line of any doc over 160 characters."""

import ast
import re
from functools import cache
from pathlib import Path

import pytest
from django.apps import apps

from core.capabilities import CAPABILITIES

ROOT = Path(__file__).resolve().parent.parent
DOCS = sorted((ROOT / "docs").glob("*.md")) + [ROOT / "README.md"]
# every app of ours, and the folders beside them that the docs name
OURS = {config.name for config in apps.get_app_configs() if (ROOT / config.name).is_dir()}
OURS |= {"config", "tests", "scripts", "benchmarks", "bench"}
CODE = re.compile(r"`([^`\s]+)`")
PATH = re.compile(r"^[a-z_]+(/[\w.]+)+/?$")
DOTTED = re.compile(r"^[a-z_]+(\.\w+)+$")
CAPABILITY_NAMES = {name for held in CAPABILITIES.values() for name in held}


def named(doc: Path) -> set[str]:
    """The paths and dotted names of our code that a document puts in backticks."""
    found = set()
    for text in CODE.findall(doc.read_text(encoding="utf-8")):
        head = re.split(r"[/.]", text)[0]
        if head in OURS and (PATH.match(text) or DOTTED.match(text)):
            found.add(text.rstrip("/"))
    return found


@cache
def defined(path: Path) -> set[str]:
    """The names a module defines at its top level and in its classes."""
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            names.add(node.name)
        elif isinstance(node, (ast.Assign, ast.AnnAssign)):
            targets = node.targets if isinstance(node, ast.Assign) else [node.target]
            for target in targets:  # `A = …` and `A, B = …`
                parts = target.elts if isinstance(target, ast.Tuple) else [target]
                names |= {part.id for part in parts if isinstance(part, ast.Name)}
        elif isinstance(node, ast.ImportFrom):
            names |= {alias.asname or alias.name for alias in node.names}
    return names


def module_file(parts: list[str]) -> Path | None:
    base = ROOT.joinpath(*parts)
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.exists():
            return candidate
    return None


def is_model(label: str) -> bool:
    try:
        apps.get_model(label)
    except (LookupError, ValueError):
        return False
    return True


def exists(name: str) -> bool:
    if "/" in name:  # a file or folder of the repository, or a template
        return (ROOT / name).exists() or (ROOT / "templates" / name).exists()
    if name in CAPABILITY_NAMES or is_model(name):  # `accounts.keep`, `projects.Project`
        return True
    parts = name.split(".")
    if len(parts) == 2 and re.match(r"^\d{4}_", parts[1]):  # a migration: `projects.0009_…`
        return any((ROOT / parts[0] / "migrations").glob(f"{parts[1]}.py"))
    if parts[-1] in ("py", "md", "html", "json", "txt", "toml", "xlsx", "js", "css"):
        return (ROOT / name).exists() or (ROOT / "/".join(parts[:-1])).with_suffix(
            "." + parts[-1]
        ).exists()
    # the longest module prefix, then the names it defines (a class's method: any level)
    for cut in range(len(parts), 0, -1):
        module = module_file(parts[:cut])
        if module is not None:
            return all(rest in defined(module) for rest in parts[cut:])
    return False


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_module_and_name_the_docs_give_exists(doc):
    missing = sorted(name for name in named(doc) if not exists(name))
    assert missing == [], f"{doc.name} names what the code no longer has: {missing}"


# `tests/security/test_x.py::test_it_does` (or its file's name alone, when one file has it) names a
# test, and each `::test_it_also` after it one of the last test file named; `…` after a name: its start.
TEST_NAMED = re.compile(r"`(?:([\w/]*test_\w+\.py)|([\w/]*test_\w+\.py)?::(test_\w+)(…?))`")


def missing_tests(doc: Path) -> list[tuple[str, str]]:
    """(the test file, the test) of each test a document names that the file lacks."""
    missing, file = [], None
    for alone, named_file, test, start in TEST_NAMED.findall(doc.read_text(encoding="utf-8")):
        if alone or named_file:
            name = alone or named_file
            found = [ROOT / name] if (ROOT / name).exists() else []
            found = found or list((ROOT / "tests").rglob(Path(name).name))
            file = found[0] if len(found) == 1 else None
        if not test:
            continue
        defines = re.compile(rf"^def {test}{'' if start else '[(]'}", re.MULTILINE)
        if file is None or not defines.search(file.read_text(encoding="utf-8")):
            missing.append((str(file and file.relative_to(ROOT)), test))
    return missing


@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_every_test_the_docs_name_exists_in_the_file_named_before_it(doc):
    assert missing_tests(doc) == [], f"{doc.name} names tests that are not there"


# Every page of the docs stays readable in a terminal and a diff.
@pytest.mark.parametrize("doc", DOCS, ids=lambda doc: doc.name)
def test_no_doc_line_is_over_160_characters_nor_a_table_cell_over_200(doc):
    lines = doc.read_text(encoding="utf-8").splitlines()
    long_lines = [number for number, line in enumerate(lines, 1) if len(line) > 160]
    long_cells = [
        number
        for number, line in enumerate(lines, 1)
        if line.startswith("|") and any(len(cell.strip()) > 200 for cell in line.split(" | "))
    ]
    assert (long_lines, long_cells) == ([], []), (
        f"{doc.name}: lines {long_lines}, cells {long_cells}"
    )


def test_the_map_is_read_in_ten_minutes():
    assert len((ROOT / "docs" / "architecture.md").read_text(encoding="utf-8").splitlines()) < 250
