"""The appeal export's memory does not grow with its rows (issue 14): a write-only workbook
filled from ``qs.iterator(chunk_size=…)``, saved to a temporary file and streamed from it
(``core.excel.xlsx_response``). Peak traced memory (tracemalloc) at 3,000 and at 30,000 rows
(measured once at 10,000 and 100,000: 10.6 MB and 10.2 MB; docs/operations.md). Not a timing
test."""

import tracemalloc

import pytest

from gonghui.hotline.models import Appeal
from gonghui.people.tests.factories import console_login

from .bulk import bulk_appeals

pytestmark = pytest.mark.django_db

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
    """3,000 and 30,000 rows: the file grows tenfold, the peak memory hardly (it is one
    chunk of rows and the workbook's buffers, never the file). A first small export loads
    what any first request loads (translations, modules), outside the measurements."""
    console_login(client, operator)
    bulk_appeals(100)
    _export_peak(client)
    bulk_appeals(2_900)
    peak_10k, size_10k = _export_peak(client)  # 3,000 rows
    bulk_appeals(27_000)
    assert Appeal.objects.count() == 30_000
    peak_100k, size_100k = _export_peak(client)
    print(f"export peak: 3k rows {peak_10k:,} B ({size_10k:,} B file), "
          f"30k rows {peak_100k:,} B ({size_100k:,} B file)")  # fmt: skip
    assert size_100k > 8 * size_10k  # the rows are all there
    assert peak_100k < 1.5 * peak_10k  # linear would be 10x
    # holding the file (a BytesIO, its bytes) would grow the peak by twice the file's growth
    assert peak_100k - peak_10k < (size_100k - size_10k) / 4
