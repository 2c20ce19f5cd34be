"""The appeal export's memory does not grow with its rows (issue 14): a write-only workbook
filled from ``qs.iterator(chunk_size=…)``, saved to a temporary file and streamed from it
(``core.excel.xlsx_response``). Peak traced memory (tracemalloc) at N and at 10×N rows: N is
5,000 in the suite (tracemalloc slows the export several times; 50,000 rows already take a
minute), ``EXPORT_MEMORY_ROWS=10000`` measures 10,000 against 100,000 (docs/operations.md).
Not a timing test."""

import os
import tracemalloc

import pytest
from django.conf import settings

from gonghui.hotline.models import Appeal
from gonghui.people.tests.factories import console_login

from .bulk import bulk_appeals

# Once per CI run (the SQLite half): tens of thousands of rows take minutes under tracemalloc;
# the export reads rows through the same qs.iterator() chunks on both databases.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "sqlite" not in settings.DATABASES["default"]["ENGINE"],
        reason="measured in the SQLite half of the suite (tens of thousands of rows)",
    ),
]

EXPORT = "/console/hotline/export.xlsx"
ROWS = int(os.environ.get("EXPORT_MEMORY_ROWS", "5000"))


def _export_peak(client) -> tuple[int, int]:
    """Peak traced memory while the export is made and read, and the bytes read."""
    tracemalloc.start()
    try:
        response = client.get(EXPORT)
        assert response.status_code == 200
        size = 0
        for chunk in response.streaming_content:
            size += len(chunk)
        response.close()
        return tracemalloc.get_traced_memory()[1], size
    finally:
        tracemalloc.stop()


def test_export_memory_does_not_grow_with_the_rows(client, orgs, operator):
    """N and 10×N rows: the file grows tenfold, the peak memory hardly (it is one chunk of
    rows (2,000) and the workbook's buffers, never the file). A first small export loads what
    any first request loads (translations, modules), outside the measurements."""
    console_login(client, operator)
    bulk_appeals(100)
    _export_peak(client)
    bulk_appeals(ROWS - 100)
    peak_small, size_small = _export_peak(client)
    bulk_appeals(9 * ROWS)
    assert Appeal.objects.count() == 10 * ROWS
    peak_big, size_big = _export_peak(client)
    print(f"export peak: {ROWS:,} rows {peak_small:,} B ({size_small:,} B file), "
          f"{10 * ROWS:,} rows {peak_big:,} B ({size_big:,} B file)")  # fmt: skip
    assert size_big > 8 * size_small  # the rows are all there
    assert peak_big < 1.5 * peak_small  # linear would be 10x
    # holding the file (a BytesIO, its bytes) would grow the peak by twice the file's growth
    assert peak_big - peak_small < (size_big - size_small) / 4
