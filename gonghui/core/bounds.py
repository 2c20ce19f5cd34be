"""Bounded integer types for API input, each fitting the column it is stored in on both
SQLite and PostgreSQL (a value out of range is a 400 naming the field, never a database error).

Every integer an operation accepts uses one of these (or its own ``Field(ge=, le=)``);
``core/tests/test_numeric_bounds.py`` fails for an integer without both bounds.
"""

from typing import Annotated

from pydantic import Field

BIGINT_MAX = 2**63 - 1  # BigAutoField / BigIntegerField
INT_MAX = 2**31 - 1  # IntegerField / PositiveIntegerField
SMALLINT_MAX = 2**15 - 1  # SmallIntegerField / PositiveSmallIntegerField

Id = Annotated[int, Field(ge=0, le=BIGINT_MAX)]  # a primary key (0 where the API means "none")
Count = Annotated[int, Field(ge=0, le=INT_MAX)]  # PositiveIntegerField
SmallCount = Annotated[int, Field(ge=0, le=SMALLINT_MAX)]  # PositiveSmallIntegerField
Year = Annotated[int, Field(ge=1900, le=2100)]  # PositiveSmallIntegerField years
Page = Annotated[int, Field(ge=1, le=100_000)]


def parse_id(value) -> int | None:
    """A primary key from a JSON/dict payload (``7`` or ``"7"``), or ``None`` when it is not
    one (``"abc"``, ``[1]``, ``True``, ``1.5``, out of range) — for services that read dicts."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip().isdigit():
        value = int(value.strip())
    if not isinstance(value, int) or not 1 <= value <= BIGINT_MAX:
        return None
    return value
