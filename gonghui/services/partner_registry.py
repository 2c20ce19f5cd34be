"""A project's partners from the partner registry, as services sees them (D24).

``services`` comes before ``partners`` in the dependency order, so it never imports it: the
link rows are partners' (``ProjectPartner``), and partners registers a ``Provider`` here from
its ``AppConfig.ready()`` (as later apps add sections to the worker page through
``people/profile.py``). services' form, pages and API read and set registry partners only
through the functions below. Names that are not (yet) in the registry stay free text on the
project (``Project.other_partners``), shown after the registry names until staff link them.
Without a provider a project has only its free-text names.
"""

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Choice:
    pk: int
    name: str
    pinyin: str = ""  # full pinyin and initials, searched by the picker
    initials: str = ""


class Provider(Protocol):
    def choices(self, project_id: int | None) -> list[Choice]:
        """Partners staff may pick: active ones, and any already linked to the project."""

    def linked(self, project_ids) -> dict[int, list[tuple[int, str]]]:
        """{project id: [(partner id, name)]}, by name."""

    def allowed(self, partner_ids, project_id: int | None) -> dict[int, str]:
        """The given ids that may be linked to the project, with their names."""

    def match(self, names) -> dict[str, int]:
        """The names that name exactly one registry partner, with its id."""

    def save(self, project, partner_ids) -> None:
        """Make the project's registry partners exactly these."""


class _Nothing:
    def choices(self, project_id):
        return []

    def linked(self, project_ids):
        return {}

    def allowed(self, partner_ids, project_id):
        return {}

    def match(self, names):
        return {}

    def save(self, project, partner_ids):
        return None


_provider: list = [_Nothing()]


def register(provider) -> None:
    _provider[0] = provider


def provider():
    return _provider[0]


def attach(projects) -> list:
    """Give each project ``registry_partners`` [(id, name)] in one query; returns the list."""
    projects = list(projects)
    linked = provider().linked([p.pk for p in projects])
    for p in projects:
        p.registry_partners = linked.get(p.pk, [])
    return projects


def registry_partners(project) -> list[tuple[int, str]]:
    if not hasattr(project, "registry_partners"):
        attach([project])
    return project.registry_partners


def names(project) -> list[str]:
    """Every partner name of the project: the registry's, then the free-text ones."""
    registered = [name for _pk, name in registry_partners(project)]
    return [*registered, *(n for n in project.other_partners if n not in registered)]
