"""Where a contribution went beyond service projects, told by the apps that own the places.

``partners`` comes before ``assistance`` in the dependency order (docs/architecture.md), so
it neither imports aid campaigns nor points at them (D24). A later app registers a ``Target``
from its ``AppConfig.ready()``: the key it takes in the contribution form, the API and the
summary, and the functions over its own link rows (the link rows live in that app).
"""

from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True)
class Link:
    """A contribution's place in a target: its id, what staff read, and a sort key."""

    pk: int
    title: str
    sort: tuple = ()
    extra: tuple[tuple[str, Any], ...] = ()  # more columns for the summary rows, e.g. year


@dataclass(frozen=True)
class Target:
    key: str  # payload/output key and form field, e.g. "campaign"
    label: Any  # a lazy Chinese label, e.g. 帮扶活动
    summary_key: str  # the key of the partner summary's rows, e.g. "linked_campaigns"
    error: Any  # the field error for an id the user may not trace into
    choices: Callable[[Any], Iterable[tuple[int, str]]]  # (user) -> places the user may pick
    resolve: Callable[[Any, int], Any]  # (user, id) -> the place, or None when not allowed
    linked: Callable[[Any], dict[int, Link]]  # (contribution ids or a values() query)
    save: Callable[[Any, Any], None]  # (contribution, place or None) sets or clears the link


_TARGETS: dict[str, Target] = {}


def register(target: Target) -> Target:
    _TARGETS[target.key] = target
    return target


def targets() -> list[Target]:
    return list(_TARGETS.values())


def get(key: str) -> Target | None:
    return _TARGETS.get(key)


def links_of(contribution_ids) -> dict[int, dict[str, Link]]:
    """{contribution id: {target key: Link}} for the given contributions."""
    out: dict[int, dict[str, Link]] = {}
    for target in _TARGETS.values():
        for contribution_id, link in target.linked(contribution_ids).items():
            out.setdefault(contribution_id, {})[target.key] = link
    return out
