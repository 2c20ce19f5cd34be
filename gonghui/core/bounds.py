"""Bounded types for API input. Integers fit the column they are stored in on both SQLite and
PostgreSQL (a value out of range is a 400 naming the field, never a database error); dates and
times are ISO 8601 text only.

Every integer an operation accepts uses one of these (or its own ``Field(ge=, le=)``);
``core/tests/test_numeric_bounds.py`` fails for an integer without both bounds. Every date or
time uses ``IsoDate`` / ``IsoDateTime``; ``core/tests/test_date_inputs.py`` fails otherwise.
"""

import datetime
import re
from typing import Annotated

from pydantic import BeforeValidator, Field
from pydantic_core import PydanticCustomError

BIGINT_MAX = 2**63 - 1  # BigAutoField / BigIntegerField
INT_MAX = 2**31 - 1  # IntegerField / PositiveIntegerField
SMALLINT_MAX = 2**15 - 1  # SmallIntegerField / PositiveSmallIntegerField

Id = Annotated[int, Field(ge=0, le=BIGINT_MAX)]  # a primary key (0 where the API means "none")
Count = Annotated[int, Field(ge=0, le=INT_MAX)]  # PositiveIntegerField
SmallCount = Annotated[int, Field(ge=0, le=SMALLINT_MAX)]  # PositiveSmallIntegerField
Year = Annotated[int, Field(ge=1900, le=2100)]  # PositiveSmallIntegerField years
Page = Annotated[int, Field(ge=1, le=100_000)]

_ISO_DATE = re.compile(r"\d{4}-\d{2}-\d{2}")
_ISO_DATETIME = re.compile(r"\d{4}-\d{2}-\d{2}[T ]\d{2}:\d{2}.*")


def _iso_text(pattern: re.Pattern, error: str, message: str):
    """Pydantic reads a number (``0``, ``"86400"``) as a Unix timestamp, so ``?to=0`` would be
    1970-01-01; the schema says ISO 8601 text, and so does this."""

    def check(value):
        if isinstance(value, datetime.date) or (
            isinstance(value, str) and pattern.fullmatch(value)
        ):
            return value
        raise PydanticCustomError(error, message)

    return BeforeValidator(check)


IsoDate = Annotated[
    datetime.date, _iso_text(_ISO_DATE, "date_parsing", "Input should be a date as YYYY-MM-DD")
]
IsoDateTime = Annotated[
    datetime.datetime,
    _iso_text(_ISO_DATETIME, "datetime_parsing", "Input should be an ISO 8601 date and time"),
]


def is_digits(text: str) -> bool:
    """Only the ASCII digits 0-9 (``str.isdigit`` also takes "²" and "١", which ``int()``
    refuses or reads as another script's digits)."""
    return text.isascii() and text.isdigit()


def parse_id(value) -> int | None:
    """A primary key from a JSON/dict payload (``7`` or ``"7"``), or ``None`` when it is not
    one (``"abc"``, ``[1]``, ``True``, ``1.5``, out of range) — for services that read dicts."""
    if isinstance(value, bool):
        return None
    if isinstance(value, str) and is_digits(value.strip()):
        value = int(value.strip())
    if not isinstance(value, int) or not 1 <= value <= BIGINT_MAX:
        return None
    return value
