"""The whole-suite log capture (root conftest + ``core/testing_logs.py``) is not vacuous: its
scanner finds planted ID and mobile numbers, and the capture reads records before the mask."""

import logging

from gonghui.core import testing_logs
from gonghui.core.logmask import MaskPersonalData
from gonghui.core.testing_logs import scan

ID_NUMBER = "11010519790601018X"
ID_DIGITS = "110105197906010189"  # hypothetical: a wrong check digit, must not be flagged
VALID_ID = "110105199003071239"
PHONE = "13912345678"


def test_the_scanner_finds_planted_id_numbers_and_mobiles():
    from stdnum.cn import ric

    assert ric.is_valid(VALID_ID) and not ric.is_valid(ID_DIGITS)
    text = "\n".join(
        [
            f"GET /console/workers/?q={VALID_ID} 200",
            f"worker {ID_NUMBER.lower()} created",
            f"call {PHONE}, +86 139 1234 5678, 139-1234-5678 and %2B86{PHONE}",
            f"手机{PHONE}。",
        ]
    )
    kinds = [(n, kind, value) for n, kind, value in scan(text)]
    assert kinds == [
        (1, "id_number", VALID_ID),
        (2, "id_number", ID_NUMBER.lower()),
        (3, "mobile", PHONE),
        (3, "mobile", PHONE),
        (3, "mobile", PHONE),
        (3, "mobile", PHONE),
        (4, "mobile", PHONE),
    ]


def test_the_scanner_leaves_masked_values_and_other_numbers_alone():
    text = "\n".join(
        [
            "110105********018X 139****5678",
            "12351-20260101-000001 at 1712345678901 (ms) and 17123456789",  # 11 digits: 171…
            f"a wrong check digit {ID_DIGITS}, 19 digits 6222020200112233445",
            "static/app.a13912345678b.css hash deadbeef13912345678",
        ]
    )
    assert [v for _n, _k, v in scan(text)] == ["17123456789"]  # a mobile-shaped number is one


def test_the_session_capture_reads_records_before_the_mask():
    handler = testing_logs.active()
    assert handler is not None, "the root conftest installs the capture for the whole session"
    assert testing_logs.uncovered() == []
    root = logging.getLogger()
    assert root.handlers[0] is handler
    masked_handlers = [
        h for h in root.handlers if any(isinstance(f, MaskPersonalData) for f in h.filters)
    ]
    assert masked_handlers, "LOGGING gives the root logger a masking handler"
    server = logging.getLogger("django.server")
    assert server.handlers[0] is handler and not server.propagate

    with handler.selftest() as seen:
        logging.getLogger("gonghui.selftest").warning("planted %s / %s", ID_NUMBER, PHONE)
        server.info('"GET /?q=%s HTTP/1.1" 200 1', VALID_ID)
        logging.getLogger("django.request").warning("Bad Request: /x/%s", PHONE)
    assert [v for _n, _k, v in scan("\n".join(seen))] == [ID_NUMBER, PHONE, VALID_ID, PHONE]


def test_the_console_sms_line_is_captured(settings):
    from gonghui.core.sms import send_sms

    assert settings.SMS_BACKEND == "gonghui.core.testing_logs.CapturingSmsBackend"
    path = testing_logs.active().path
    before = path.stat().st_size
    send_sms(PHONE, "您的验证码是123456，5分钟内有效")
    with open(path, encoding="utf-8") as fh:
        fh.seek(before)
        text = fh.read()
    assert "[sms-console] [SMS] 通知短信 → 139****5678: 您的验证码是123456" in text
    assert PHONE not in text
