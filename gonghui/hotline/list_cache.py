"""Staff appeal lists kept between requests (issue 14).

A list page — the count, the page's rows, their names and masked contacts — is kept as the
bytes of its JSON answer (``core.kept``) under:

- the version token of ``ListVersion``, which database triggers move with every committed
  write to an appeal, an org or a category (migration 0009): the next request after any change
  builds the list afresh;
- the viewer's scope (the subtrees of the roles that decide which appeals they see; for the
  ``handling`` queue also those that decide whose), never the user: two handlers of the same
  district share the list they both see, a changed role changes the key;
- the filters, the database, the language and the local minute (``超期`` and the ``overdue``
  queue are exact to the minute). A search by phone or ID number is not kept.

Inside a transaction nothing is kept or read back: on PostgreSQL the token moves at commit, so
a transaction's own writes are not in it yet.
"""

from django.db import connection

from gonghui.core.kept import kept
from gonghui.core.logmask import is_personal_query
from gonghui.people.scope import scope_for

from .models import ListVersion

_VERSION_SQL = f"SELECT token FROM {ListVersion._meta.db_table} WHERE id = 1"  # noqa: S608


def list_version() -> int | None:
    """The lists' version token now; None inside a transaction or without the row."""
    if connection.in_atomic_block:
        return None
    with connection.cursor() as cursor:  # one primary-key read, the ORM's cost spared
        cursor.execute(_VERSION_SQL)
        row = cursor.fetchone()
    return row[0] if row else None


def _scope_key(user, permission: str):
    scope = scope_for(user, permission)
    return (permission, scope.everything, scope.paths)


def kept_list(user, filters: dict, build) -> bytes:
    """``build()`` — a list answer's bytes for ``user`` and ``filters`` — kept as above. A
    search by phone or ID number is never kept: a one-off, and its key would be derived from
    the number."""
    if is_personal_query(filters.get("q", "")):
        return build()
    scopes = [_scope_key(user, "hotline.view")]
    if filters.get("queue") == "handling":
        scopes += [_scope_key(user, "hotline.handle"), _scope_key(user, "hotline.dispatch")]
    parts = (tuple(scopes), tuple(sorted(filters.items())))
    return kept("hotline:list", list_version(), parts, build)
