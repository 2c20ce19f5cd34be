"""Personal data never reaches a log: the last line of defence (issue 12, defect 7).

``MaskPersonalData`` rewrites every record's message (and its traceback text) with 18-digit
ID numbers (trailing X too) and mainland mobile numbers masked like the UI masks them. It is
set on every handler in ``settings.LOGGING``, and ``install()`` (run at start-up) adds it to
the handlers that other code (the WSGI server's access log, Django's defaults) already set up.
Searches by ID number or phone go by POST, so they are not in URLs in the first place.
"""

import logging
import re

from .masking import mask_id_number, mask_phone

ID_NUMBER_RE = re.compile(r"(?<![0-9])(\d{17}[\dXx])(?![0-9])")
# 13812345678, 138 1234 5678, 138-1234-5678, +8613812345678, %2B8613812345678
MOBILE_RE = re.compile(
    r"(?<![0-9])((?:\+|%2[Bb])?86[- ]?)?(1[3-9]\d)([- ]?|%20)(\d{4})\3(\d{4})(?![0-9])"
)
_COMPACT_MOBILE_RE = re.compile(r"(?:\+?86)?1[3-9]\d{9}")
_COMPACT_ID_RE = re.compile(r"\d{17}[\dXx]")


def mask_text(text: str) -> str:
    """``text`` with every ID number and mobile number masked."""
    if not text or not any(c.isdigit() for c in text):
        return text
    text = ID_NUMBER_RE.sub(lambda m: mask_id_number(m.group(1)), text)
    return MOBILE_RE.sub(
        lambda m: (m.group(1) or "") + mask_phone(m.group(2) + m.group(4) + m.group(5)), text
    )


def is_personal_query(q: str) -> bool:
    """A search term that is an ID number or a mobile number (must not travel in a URL)."""
    compact = re.sub(r"[\s-]", "", q or "")
    return bool(_COMPACT_ID_RE.fullmatch(compact) or _COMPACT_MOBILE_RE.fullmatch(compact))


class MaskPersonalData(logging.Filter):
    """Masks ID and mobile numbers in the rendered message and any traceback text."""

    _formatter = logging.Formatter()

    def filter(self, record: logging.LogRecord) -> bool:
        if getattr(record, "_pd_masked", False):
            return True
        try:
            message = record.getMessage()
        except Exception:  # a broken format string: leave it to the handler's error path
            return True
        masked = mask_text(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            record.exc_text = self._formatter.formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = mask_text(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_text(record.stack_info)
        record._pd_masked = True
        return True


def install() -> None:
    """Add the filter to every handler already attached to any logger (idempotent)."""
    loggers = [logging.getLogger()] + [
        logger
        for logger in logging.root.manager.loggerDict.values()
        if isinstance(logger, logging.Logger)
    ]
    for logger in loggers:
        for handler in logger.handlers:
            if not any(isinstance(f, MaskPersonalData) for f in handler.filters):
                handler.addFilter(MaskPersonalData())


def search_term(request, name: str = "q", max_length: int = 50) -> tuple[str, str]:
    """The search term of a console list and an error message. Searches by ID number or phone
    come by POST (the search box); in a URL they would be written to access logs, so a GET
    carrying one is not searched and gets the message instead."""
    from django.utils.translation import gettext as _

    if request.method == "POST":
        return request.POST.get(name, "")[:max_length], ""
    term = request.GET.get(name, "")[:max_length]
    if is_personal_query(term):
        return "", _("按身份证号或手机号查询请使用页面上的搜索框，不要放在网址中")
    return term, ""
