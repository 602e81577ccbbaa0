"""Each app's code is laid out by layer, and imports run one way, down the layers (issue 24,
docs/architecture.md "Layers"):

    views, commands  →  documents  →  services  →  selectors  →  rules  →  models

- `rules` (rules.py or rules/): DESIGN.md's rules and terms, pure functions and query
  expressions; no writes, no request.
- `selectors` (selectors.py or selectors/, and access.py, the reads within a user's scope).
- `services` (services.py or services/): the writes.
- `documents/`: what is rendered for both pages and commands (PDF, Excel, SVG).
- `views` (views.py or views/, and audit's middleware): request handling.
- forms.py, filters.py and tables.py sit beside the views and may use selectors and rules.
- models.py, apps.py, admin.py, urls.py, signals.py and management/ put an app together.

Nothing imports a view but urls.py, and no module of ours imports itself round a circle (that no
module takes another's private name is tests/test_app_boundaries.py's).
Each failure names the file and the import.
"""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent

# The apps laid out by layer (projects is being split into core, accounts and projects).
APPS = [
    "audit", "bonds", "supervision", "batches", "promotion", "investment", "history", "ledger",
    "opendata",
    "backup", "jobs",
]  # fmt: skip
# Every module of ours, for the circle test.
OURS = ["config", "projects", *APPS]

LAYERS = ["models", "rules", "selectors", "forms", "services", "documents", "views", "assembly"]
RANK = {layer: rank for rank, layer in enumerate(LAYERS)}

# Where a module sits, by its path inside its app: the first part of the path, else its name.
PLACES = {
    "models": "models",
    "migrations": "models",
    "rules": "rules",
    "selectors": "selectors",
    "access": "selectors",
    "forms": "forms",
    "filters": "forms",
    "tables": "forms",
    "services": "services",
    "documents": "documents",
    "views": "views",
    "middleware": "views",
    "__init__": "assembly",
    "apps": "assembly",
    "admin": "assembly",
    "urls": "assembly",
    "signals": "assembly",
    "management": "assembly",
    # a background task (django-tasks): the write a page starts and the worker runs, a service
    "tasks": "services",
}


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def modules(apps: list[str]) -> dict[str, Path]:
    return {
        module_name(path): path
        for app in apps
        for path in sorted((ROOT / app).rglob("*.py"))
        if "migrations" not in path.parts
    }


def layer_of(module: str) -> str | None:
    parts = module.split(".")[1:] or ["__init__"]
    return PLACES.get(parts[0])


def imports(path: Path, known: dict[str, Path]) -> list[tuple[int, str]]:
    """(line, module) for every import of one of `known`, `from x import module` included,
    wherever it is written (a function's import is an import too)."""
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names = [f"{node.module}.{alias.name}" for alias in node.names]
            names = [name if name in known else node.module for name in names]
        else:
            continue
        found += [(node.lineno, name) for name in dict.fromkeys(names) if name in known]
    return found


def where(path: Path, line: int) -> str:
    return f"{path.relative_to(ROOT)}:{line}"


@pytest.mark.parametrize("app", APPS)
def test_every_module_has_a_layer(app):
    unplaced = [str(path.relative_to(ROOT)) for name, path in modules([app]).items()
                if layer_of(name) is None]  # fmt: skip

    assert not unplaced, "\n".join(unplaced)


@pytest.mark.parametrize("app", APPS)
def test_imports_run_down_the_layers(app):
    known = modules([app])
    upward = [
        f"{where(path, line)} ({layer_of(name)}) imports {imported} ({layer_of(imported)})"
        for name, path in known.items()
        for line, imported in imports(path, known)
        if RANK[layer_of(imported) or "assembly"] > RANK[layer_of(name) or "assembly"]
        and layer_of(name) != "assembly"
    ]

    assert not upward, "\n".join(upward)


def test_nothing_but_urls_imports_a_view():
    known = modules(OURS)
    views = {name for name in known if name.split(".")[0] in APPS and layer_of(name) == "views"}
    wrong = [
        f"{where(path, line)} imports {imported}"
        for name, path in known.items()
        for line, imported in imports(path, known)
        if imported in views and not name.endswith(".urls")
    ]

    assert not wrong, "\n".join(wrong)


def test_no_module_of_ours_imports_itself_round_a_circle():
    known = modules(OURS)
    graph = {
        name: {imported for _, imported in imports(path, known) if imported != name}
        for name, path in known.items()
    }
    # A package's __init__ is imported with each of its modules; that is not an edge of ours.
    circles = []
    for component in strongly_connected(graph):
        if len(component) > 1:
            first = min(component)
            circles.append(" → ".join(cycle_through(graph, first, component)))

    assert not circles, "\n".join(circles)


def strongly_connected(graph: dict[str, set[str]]) -> list[set[str]]:
    """Tarjan's algorithm, iteratively: the sets of modules that reach one another."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components = []
    for start in graph:
        if start in index:
            continue
        work = [(start, iter(sorted(graph[start])))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = set()
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.add(member)
                    if member == node:
                        break
                components.append(component)
    return components


def cycle_through(graph: dict[str, set[str]], first: str, component: set[str]) -> list[str]:
    """One way round the circle from `first` back to it (breadth first, so the shortest)."""
    paths = {first: [first]}
    queue = [first]
    while queue:
        node = queue.pop(0)
        for child in sorted(graph[node] & component):
            if child == first:
                return [*paths[node], first]
            if child not in paths:
                paths[child] = [*paths[node], child]
                queue.append(child)
    return sorted(component)
