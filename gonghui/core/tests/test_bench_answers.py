"""The load benchmark's keep-alive reader (bench/load_tools.py ``read_answer``, the open loop
behind nginx): one answer read exactly — by Content-Length, chunked, or to the end — so the
next request on the same connection starts at the next answer."""

import asyncio
import sys
from concurrent.futures import ThreadPoolExecutor

from django.conf import settings

sys.path.insert(0, str(settings.BASE_DIR / "bench"))
from load_tools import read_answer


def _answers(data: bytes, n: int) -> list:
    async def run():
        reader = asyncio.StreamReader()
        reader.feed_data(data)
        reader.feed_eof()
        return [await read_answer(reader) for _ in range(n)]

    # a thread of its own: Playwright's sync API leaves an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, run()).result()


def test_answers_by_length_and_chunked_follow_each_other_on_one_connection():
    data = (
        b"HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: keep-alive\r\n\r\nhello"
        b"HTTP/1.1 404 Not Found\r\nTransfer-Encoding: chunked\r\n\r\n"
        b"3\r\nabc\r\n4;ext=1\r\ndefg\r\n0\r\n\r\n"
        b"HTTP/1.1 200 OK\r\ncontent-length: 2\r\nconnection: close\r\n\r\nok"
    )
    (a, keep_a), (b, keep_b), (c, keep_c) = _answers(data, 3)
    assert a.split()[1] == b"200" and keep_a
    assert b.split()[1] == b"404" and keep_b
    assert c.split()[1] == b"200" and not keep_c  # the server said it closes


def test_an_answer_without_length_is_read_to_the_end_and_a_closed_connection_is_empty():
    data = b"HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\nall of it"
    (head, keep), (after, keep_after) = _answers(data, 2)
    assert head.startswith(b"HTTP/1.1 200") and not keep
    assert after == b"" and not keep_after
