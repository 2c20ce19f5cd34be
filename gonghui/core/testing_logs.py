"""The test suite's log capture (issue 12: no personal data in any log).

The root conftest puts a ``CaptureHandler`` in front of every handler of every logger (root,
``django.server``, …), so it reads each record *before* ``logmask.MaskPersonalData`` rewrites it:
a leak is found even though the mask would have hidden it in production. The handler writes to a
file under pytest's temporary folder, together with every test's captured stdout/stderr and the
line ``ConsoleSmsBackend`` would print for every SMS the suite sends (``CapturingSmsBackend``).
At the end of the session ``scan`` looks for 身份证号 and mobile numbers in clear.
"""

import logging
import re
import threading
from contextlib import contextmanager

from stdnum.cn import ric

from .sms import ConsoleSmsBackend, LocMemSmsBackend

# 18 characters, not part of a longer digit run: 17 digits and a digit or X
ID_RE = re.compile(r"(?<![0-9])([0-9]{17}[0-9Xx])(?![0-9])")
# 13812345678, 138 1234 5678, 138-1234-5678, +8613812345678, %2B8613812345678; not inside a
# longer run of digits or letters (hex digests, static file names)
MOBILE_RE = re.compile(
    r"(?<![0-9A-Za-z])(?:(?:\+|%2[Bb])?86[- ]?)?(1[3-9][0-9])([- ]?)([0-9]{4})\2([0-9]{4})"
    r"(?![0-9A-Za-z])"
)


def scan(text: str) -> list[tuple[int, str, str]]:
    """``(line number, kind, value)`` for every ID number that passes the check digit (or ends
    in X) and every mainland mobile number in ``text``."""
    found = []
    for number, line in enumerate(text.splitlines(), 1):
        if not any(c.isdigit() for c in line):
            continue
        for m in ID_RE.finditer(line):
            value = m.group(1)
            if value[-1] in "Xx" or ric.is_valid(value):
                found.append((number, "id_number", value))
        for m in MOBILE_RE.finditer(line):
            found.append((number, "mobile", m.group(1) + m.group(3) + m.group(4)))
    return found


class CaptureHandler(logging.Handler):
    """Writes every record it sees, unmasked, to ``path``; one per session."""

    def __init__(self, path):
        super().__init__(level=logging.INFO)
        self.path = path
        self.stream = open(path, "a", encoding="utf-8")  # noqa: SIM115 - closed by close()
        self.formatter = logging.Formatter("%(levelname)s %(name)s: %(message)s")
        self._written_for = None
        self._selftest = threading.local()

    def emit(self, record):
        if getattr(record, "_gh_captured", False):  # seen on a child logger already
            return
        record._gh_captured = True
        try:
            # (format() caches the traceback in exc_text; the mask filter masks that copy too)
            text = self.formatter.format(record)
        except Exception:  # a broken format string is logging's own error; keep the raw parts
            text = f"{record.levelname} {record.name}: {record.msg!r} {record.args!r}"
        sink = getattr(self._selftest, "lines", None)
        if sink is not None:
            sink.append(text)
            return
        self.write(text, source="log")

    def write(self, text: str, *, source: str) -> None:
        if not text:
            return
        with self.lock:
            if self._written_for != current_test:
                self.stream.write(f"\n=== {current_test or '(session)'}\n")
                self._written_for = current_test
            self.stream.write(f"[{source}] {text.rstrip()}\n")
            self.stream.flush()

    @contextmanager
    def selftest(self):
        """Records of this thread go to the returned list instead of the file (so the capture's
        own test can plant personal data without failing the session)."""
        lines: list[str] = []
        self._selftest.lines = lines
        try:
            yield lines
        finally:
            self._selftest.lines = None

    def close(self):
        with self.lock:
            self.stream.close()
        super().close()


_handler: CaptureHandler | None = None
current_test = ""  # the node id of the running test (conftest's pytest_runtest_logstart)


def active() -> CaptureHandler | None:
    """The session's capture handler, when the root conftest installed one."""
    return _handler


def install(path) -> CaptureHandler:
    global _handler
    _handler = CaptureHandler(path)
    attach()
    return _handler


def loggers_with_handlers() -> list[logging.Logger]:
    out = [logging.getLogger()]
    for name in ("django.server", "django.request"):
        out.append(logging.getLogger(name))
    for logger in list(logging.root.manager.loggerDict.values()):
        if isinstance(logger, logging.Logger) and logger.handlers and logger not in out:
            out.append(logger)
    return out


def attach() -> None:
    """Put the capture first on the root logger and on every logger with its own handlers
    (``django.server`` does not propagate): it runs before their masking filters."""
    if _handler is None:
        return
    for logger in loggers_with_handlers():
        if logger is not logging.getLogger() and not logger.handlers and logger.propagate:
            continue  # reaches the root's capture
        if not logger.handlers or logger.handlers[0] is not _handler:
            if _handler in logger.handlers:
                logger.removeHandler(_handler)
            logger.handlers.insert(0, _handler)


def uncovered() -> list[str]:
    """Loggers with a masking handler the capture does not run before (should be none)."""
    from .logmask import MaskPersonalData

    return [
        logger.name or "root"
        for logger in loggers_with_handlers()
        if logger.handlers
        and logger.handlers[0] is not _handler
        and any(isinstance(f, MaskPersonalData) for h in logger.handlers for f in h.filters)
    ]


class CapturingSmsBackend(LocMemSmsBackend):
    """Tests: the LocMem outbox, plus the line ``ConsoleSmsBackend`` prints with the text shown
    (its most revealing setting), written to the session's capture."""

    def send(self, phone: str, message: str, *, kind: str = "notice", params=None) -> None:
        super().send(phone, message, kind=kind, params=params)
        if _handler is not None:
            line = ConsoleSmsBackend().line(phone, message, kind=kind, show_text=True)
            _handler.write(line, source="sms-console")


def findings_report() -> list[str]:
    """The session's verdict: one line per ID/mobile number found in the capture (shown masked,
    with the test it came from) and per logger the capture did not run in front of."""
    from .masking import mask_id_number, mask_phone

    if _handler is None:
        return []
    lines = [f"capture is not in front of the handlers of logger {name!r}" for name in uncovered()]
    with open(_handler.path, encoding="utf-8") as fh:
        text = fh.read()
    test = "(session)"
    tests = {}
    for number, line in enumerate(text.splitlines(), 1):
        if line.startswith("=== "):
            test = line[4:]
        tests[number] = test
    for number, kind, value in scan(text):
        shown = mask_id_number(value) if kind == "id_number" else mask_phone(value)
        lines.append(f"{kind} {shown} in clear at {_handler.path}:{number} ({tests[number]})")
    return lines
