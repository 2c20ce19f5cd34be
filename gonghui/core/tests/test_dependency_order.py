"""The apps depend one way, in the order docs/architecture.md writes down
(``core`` → ``orgs`` → … → ``reports``, ``socialwork``, ``portal``; left to right inside a group
too, so services before partners before assistance):

* no module of an app (tests aside) imports a later app, lazily inside a function or not;
* no model field of an app points at a later app's model;
* partners and assistance, strictly: nothing under gonghui/partners, tests included, imports
  gonghui.assistance;
* ``core``, strictly: no module of it (tests aside) imports anything of the project outside
  ``gonghui.core`` (no app, nor the project-level ``gonghui.api`` / ``gonghui.urls``).

The upward imports that are known and not yet fixed are listed in ``KNOWN`` (being removed
step by step: strike an entry when its import goes).
"""

import ast
import re
from pathlib import Path

from django.apps import apps as django_apps
from django.conf import settings

ROOT = Path(settings.BASE_DIR)
PACKAGE = ROOT / "gonghui"

# (module, later app it imports): orgs still reaches up to people's scope (docs/architecture.md).
KNOWN = {
    ("gonghui/orgs/admin.py", "people"),  # ScopedAdmin: the admin pages' scope
    ("gonghui/orgs/api.py", "people"),  # scope of the org search
    ("gonghui/orgs/selectors.py", "people"),
    ("gonghui/orgs/views.py", "people"),
}


def order() -> list[str]:
    """The apps in the order of the line in docs/architecture.md."""
    text = (ROOT / "docs/architecture.md").read_text(encoding="utf-8")
    line = re.search(r"Dependencies run one way, in this order:(.*?)\n\(", text, re.S)
    assert line, "docs/architecture.md lost its dependency order line"
    return re.findall(r"`(\w+)`", line.group(1))


def imported_apps(path: Path, names: set[str]):
    """(line, app) for every ``gonghui.<app>`` the module imports, at any depth."""
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            modules = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            modules = [node.module]
            if node.module == "gonghui":  # from gonghui import partners
                modules = [f"gonghui.{a.name}" for a in node.names]
        else:
            continue
        for module in modules:
            parts = module.split(".")
            if parts[0] == "gonghui" and len(parts) > 1 and parts[1] in names:
                yield node.lineno, parts[1]


def modules(app: str, *, tests: bool):
    for path in sorted((PACKAGE / app).rglob("*.py")):
        parts = path.relative_to(PACKAGE / app).parts
        if "migrations" in parts or (not tests and "tests" in parts):
            continue
        yield path


def test_the_order_names_every_app_once():
    apps = order()
    assert len(apps) == len(set(apps))
    ours = {c.label for c in django_apps.get_app_configs() if c.name.startswith("gonghui.")}
    assert set(apps) == ours


def test_no_app_imports_a_later_app():
    apps = order()
    rank = {app: i for i, app in enumerate(apps)}
    found = set()
    for app in apps:
        for path in modules(app, tests=False):
            for line, other in imported_apps(path, set(apps)):
                if rank[other] > rank[app]:
                    found.add((str(path.relative_to(ROOT)), other, line))
    new = sorted(f for f in found if f[:2] not in KNOWN)
    assert not new, f"imports of a later app: {new}"


def test_no_model_points_at_a_later_app():
    rank = {app: i for i, app in enumerate(order())}
    wrong = []
    for model in django_apps.get_models():
        app = model._meta.app_label
        if app not in rank:
            continue
        for field in model._meta.get_fields():
            target = field.related_model
            if not field.is_relation or field.auto_created or target is None:
                continue
            if rank.get(target._meta.app_label, -1) > rank[app]:
                wrong.append(f"{model._meta.label}.{field.name} -> {target._meta.label}")
    assert not wrong


def test_partners_never_imports_assistance():
    found = [
        (str(path.relative_to(ROOT)), line)
        for path in modules("partners", tests=True)
        for line, other in imported_apps(path, {"assistance"})
    ]
    assert not found


def test_core_imports_nothing_of_the_project_but_core():
    found = []
    for path in modules("core", tests=False):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if isinstance(node, ast.Import):
                names = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
                if node.module == "gonghui":  # from gonghui import api
                    names = [f"gonghui.{a.name}" for a in node.names]
            else:
                continue
            for name in names:
                parts = name.split(".")
                if parts[0] == "gonghui" and parts[1:2] != ["core"]:
                    found.append((str(path.relative_to(ROOT)), node.lineno, name))
    assert not found, f"core imports the project: {found}"
