"""The apps depend one way (DESIGN.md §5, docs/architecture.md "Apps and their dependencies"):
each app imports only the apps above it, `core` (the platform) imports none of ours, and
`projects` names no other app's URL or permission either, so it stands on its own. No module
imports another module's private name."""

import ast
import re
from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

ROOT = Path(__file__).resolve().parent.parent

# Each app and the apps it may import: the order of docs/architecture.md.
ABOVE = [
    "core", "audit", "jobs", "projects", "accounts", "bonds", "supervision", "batches", "promotion",
    "investment", "history", "ledger", "upstream", "opendata", "backup",
]  # fmt: skip
MAY_IMPORT = {
    "core": set(),
    # the audit trail: every service writes to it, so it names no app (the user through
    # AUTH_USER_MODEL, as django.contrib.admin's log does)
    "audit": {"core"},
    # background work: a job's page and its worker; each app's work is its own (ledger/tasks.py)
    "jobs": {"core"},
    "projects": {"core", "audit"},
    # 导入填报员 of a city's size runs as a job (accounts/tasks.py)
    "accounts": {"core", "audit", "jobs", "projects"},
    "bonds": {"core", "audit", "projects"},
    # never investment: a notice's figures are investment's
    "supervision": {"core", "audit", "projects"},
    "batches": {"core", "audit", "projects"},
    "promotion": {"core", "audit", "projects"},
    "investment": {
        "core",
        "audit",
        "jobs",
        "projects",
        "bonds",
        "supervision",
        "batches",
        "promotion",
    },  # fmt: skip
    # every app's history
    "history": {"core", "projects", "bonds", "supervision", "batches", "promotion", "investment"},
    "ledger": {
        "core",
        "jobs",
        "projects",
        "bonds",
        "supervision",
        "batches",
        "promotion",
        "investment",
        "audit",
    },
    "upstream": {"core", "audit", "projects", "investment", "history"},  # registers its history
    "opendata": {"core", "projects", "investment"},  # no models: reads the register and figures
    # every model, generically: only the audit entry it writes by name; its page runs as jobs
    "backup": {"core", "audit", "jobs"},
}
OURS = {*MAY_IMPORT, "config"}


# What `projects` still names of other apps, each with the reason. Exactly these: a name that
# is no longer used must leave the list too, so the list stays true.
NAMED_ELSEWHERE = {
    # The register's 导出Excel opens the ledger's export of the same filter: a link on a page.
    "ledger_export": "templates/projects/project_list.html",
}


def python_files(app: str):
    return sorted((ROOT / app).rglob("*.py"))


def imported_apps(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            modules = [node.module]
        else:
            continue
        found |= {module.split(".")[0] for module in modules} & set(MAY_IMPORT)
    return found


def string_literals(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return {
        node.value
        for node in ast.walk(tree)
        if isinstance(node, ast.Constant) and isinstance(node.value, str)
    }


def url_names_by_app(patterns, app: str = "config") -> dict[str, str]:
    """Each URL name and the app whose urls.py declares it (config: the site's own)."""
    names: dict[str, str] = {}
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace == "admin":
                continue
            urlconf = pattern.urlconf_name
            owner = getattr(urlconf, "__name__", str(urlconf)).split(".")[0]
            names |= url_names_by_app(pattern.url_patterns, owner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            names[pattern.name] = app
    return names


def test_each_app_imports_only_the_apps_above_it():
    wrong = [
        f"{path.relative_to(ROOT)} imports {sorted(imported - MAY_IMPORT[app] - {app})}"
        for app in MAY_IMPORT
        for path in python_files(app)
        if (imported := imported_apps(path)) - MAY_IMPORT[app] - {app}
    ]
    assert wrong == []


def test_the_table_is_the_truth():
    """Each app imports every app the table allows it (so the table says what depends on what)."""
    imported = {
        app: set().union(*(imported_apps(path) for path in python_files(app))) - {app}
        for app in MAY_IMPORT
    }
    assert imported == MAY_IMPORT


def test_no_module_imports_a_private_name_of_another():
    found = set()
    for app in sorted(OURS):
        for path in python_files(app):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if (
                    isinstance(node, ast.ImportFrom)
                    and node.level == 0
                    and node.module
                    and node.module.split(".")[0] in OURS
                ):
                    found |= {
                        (str(path.relative_to(ROOT)), node.module, alias.name)
                        for alias in node.names
                        if alias.name.startswith("_") and not alias.name.startswith("__")
                    }
    assert found == set()


def test_the_order_is_the_documented_one():
    for index, app in enumerate(ABOVE):
        assert MAY_IMPORT[app] <= set(ABOVE[:index])
    architecture = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    listed = [
        line.split()[0].rstrip("/")
        for line in architecture.split("```")[1].splitlines()
        if line.split() and line.split()[0].rstrip("/") in MAY_IMPORT
    ]
    assert listed == ABOVE


def test_projects_names_no_url_or_permission_of_another_app():
    others = {name for name, app in url_names_by_app(get_resolver().url_patterns).items()
              if app in MAY_IMPORT and app != "projects"}  # fmt: skip
    permission = re.compile(
        rf"^({'|'.join(set(MAY_IMPORT) - {'projects'})})\.(add|change|delete|view)_\w+$"
    )
    named = {}
    for path in python_files("projects"):
        for text in string_literals(path):
            if text in others or permission.match(text):
                named[text] = str(path.relative_to(ROOT))
    for path in sorted((ROOT / "templates/projects").glob("*.html")):
        for name in re.findall(r"{% url '([\w-]+)'", path.read_text(encoding="utf-8")):
            if name in others:
                named[name] = str(path.relative_to(ROOT))
    assert set(named) == set(NAMED_ELSEWHERE), named


def test_the_project_page_is_a_url_name_of_projects():
    names = url_names_by_app(get_resolver().url_patterns)

    assert names["project_detail"] == "projects"
    assert names["notice_list"] == "investment"


def test_old_notice_addresses_still_lead_to_the_notices(client):
    response = client.get("/supervision/notices/3/pdf/?download=1")

    assert response.status_code == 301
    assert response["Location"] == "/notices/3/pdf/?download=1"
