"""The appeal export's memory does not grow with its rows (issue 14): a write-only workbook
filled from ``qs.iterator(chunk_size=…)``, saved to a temporary file and streamed from it
(``core.excel.xlsx_response``). Peak traced memory (tracemalloc) at 10,000 and at 100,000 rows.
Not a timing test; it takes a while (100,000 rows written and read back as a stream)."""

import tracemalloc

import pytest
from django.conf import settings

from gonghui.hotline.models import Appeal
from gonghui.people.tests.factories import console_login

from .bulk import bulk_appeals

# Once per CI run (the SQLite half): 100,000 rows take minutes; the export reads rows through
# the same qs.iterator() chunks on both databases.
pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(
        "sqlite" not in settings.DATABASES["default"]["ENGINE"],
        reason="measured in the SQLite half of the suite (100,000 rows take minutes)",
    ),
]

EXPORT = "/console/hotline/export.xlsx"


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
    """10,000 and 100,000 rows: the file grows tenfold, the peak memory hardly (it is one
    chunk of rows and the workbook's buffers, never the file). A first small export loads
    what any first request loads (translations, modules), outside the measurements."""
    console_login(client, operator)
    bulk_appeals(100)
    _export_peak(client)
    bulk_appeals(9_900)
    peak_10k, size_10k = _export_peak(client)
    bulk_appeals(90_000)
    assert Appeal.objects.count() == 100_000
    peak_100k, size_100k = _export_peak(client)
    print(f"export peak: 10k rows {peak_10k:,} B ({size_10k:,} B file), "
          f"100k rows {peak_100k:,} B ({size_100k:,} B file)")  # fmt: skip
    assert size_100k > 8 * size_10k  # the rows are all there
    assert peak_100k < 1.5 * peak_10k  # linear would be 10x
    # holding the file (a BytesIO, its bytes) would grow the peak by twice the file's growth
    assert peak_100k - peak_10k < (size_100k - size_10k) / 4
