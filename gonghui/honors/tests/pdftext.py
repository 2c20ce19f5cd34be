"""Read the text of our reportlab PDFs back (ASCII85 + Flate streams, CID strings in UTF-16BE)
without a PDF library: enough to assert what a certificate says."""

import base64
import re
import zlib

_ESCAPES = {b"n": b"\n", b"r": b"\r", b"t": b"\t", b"b": b"\b", b"f": b"\f"}


def _unescape(raw: bytes) -> bytes:
    out, i = bytearray(), 0
    while i < len(raw):
        c = raw[i : i + 1]
        if c != b"\\":
            out += c
            i += 1
            continue
        nxt = raw[i + 1 : i + 2]
        octal = re.match(rb"[0-7]{1,3}", raw[i + 1 : i + 4])
        if octal:
            out.append(int(octal.group(), 8))
            i += 1 + len(octal.group())
        else:
            out += _ESCAPES.get(nxt, nxt)
            i += 2
    return bytes(out)


def streams(pdf: bytes) -> list[bytes]:
    found = []
    for m in re.finditer(rb"stream\r?\n(.*?)endstream", pdf, re.S):
        data = m.group(1).strip()
        if data.endswith(b"~>"):
            data = base64.a85decode(re.sub(rb"\s", b"", data[:-2]), adobe=False)
        try:
            found.append(zlib.decompress(data))
        except zlib.error:
            found.append(data)
    return found


def cid_text(pdf: bytes) -> str:
    """Every ``(…) Tj`` string of the page streams decoded as UTF-16BE, joined."""
    texts = []
    for stream in streams(pdf):
        for m in re.finditer(rb"\(((?:\\.|[^\\)])*)\) Tj", stream, re.S):
            raw = _unescape(m.group(1))
            if len(raw) % 2 == 0:
                texts.append(raw.decode("utf-16-be", errors="replace"))
    return "".join(texts)
