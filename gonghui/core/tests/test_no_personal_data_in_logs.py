"""Personal data never reaches a log (issue 12, defect 7).

A representative run — worker create, search by ID number and phone (console and API), reveal,
anonymous appeal intake, SMS login with the console SMS backend and ``DEBUG`` on — with every
logger at DEBUG, the output of the handlers configured in ``settings.LOGGING`` (the root console
and the ``django.server`` access log) and stdout captured, then searched for the seeded ID
numbers and phones in every spelling.
"""

import contextlib
import io
import logging
import re

import pytest

from gonghui.core.logmask import MaskPersonalData, is_personal_query, mask_text
from gonghui.people.tests.factories import bearer, console_login, make_staff, worker_data

ID_NUMBER = "11010519790601018X"
PHONE = "13912345678"
CONTACT_PHONE = "13698765432"
LOGIN_PHONE = "13511112222"
SEEDED = (ID_NUMBER, PHONE, CONTACT_PHONE, LOGIN_PHONE)


def spellings(value: str) -> list[str]:
    out = [value, value.lower()]
    if len(value) == 11:
        out += [f"{value[:3]} {value[3:7]} {value[7:]}", f"{value[:3]}-{value[3:7]}-{value[7:]}"]
    return out


@pytest.fixture
def captured_logs(settings, capsys):
    """Everything the configured handlers write, at DEBUG, plus stdout."""
    streams = []
    touched = []
    for name in ("", "django", "django.server", "django.request", "gonghui", "axes"):
        logger = logging.getLogger(name)
        touched.append((logger, logger.level))
        logger.setLevel(logging.DEBUG)
    for logger in (logging.getLogger(), logging.getLogger("django.server")):
        for handler in logger.handlers:
            if isinstance(handler, logging.StreamHandler) and any(
                isinstance(f, MaskPersonalData) for f in handler.filters
            ):
                stream = io.StringIO()
                streams.append((handler, handler.setStream(stream), stream))
    assert len(streams) >= 2, "LOGGING must give the root and django.server masking handlers"
    buffer = {"text": ""}
    yield buffer
    for handler, old, _stream in streams:
        handler.setStream(old)
    for logger, level in touched:
        logger.setLevel(level)


def planted():
    """Records this test plants on purpose (to see them masked) stay out of the whole suite's
    log capture (root conftest), which reads them before the mask and would fail the run."""
    from gonghui.core import testing_logs

    handler = testing_logs.active()
    return handler.selftest() if handler is not None else contextlib.nullcontext()


def collect(buffer, capsys, streams_text=""):
    buffer["text"] += capsys.readouterr().out + streams_text


def handler_output() -> str:
    out = []
    for logger in (logging.getLogger(), logging.getLogger("django.server")):
        for handler in logger.handlers:
            stream = getattr(handler, "stream", None)
            if isinstance(stream, io.StringIO):
                out.append(stream.getvalue())
    return "".join(out)


def test_filter_masks_ids_and_mobiles_in_every_spelling():
    text = f"q={ID_NUMBER}&p=+86{PHONE} {PHONE[:3]} {PHONE[3:7]} {PHONE[7:]} %2B86{PHONE}"
    masked = mask_text(text)
    for value in (ID_NUMBER, PHONE):
        for s in spellings(value):
            assert s not in masked
    assert "110105********018X" in masked and "139****5678" in masked
    assert mask_text("12351-20260101-000001 at 1712345678901") == (
        "12351-20260101-000001 at 1712345678901"
    )  # appeal numbers and timestamps stay
    assert is_personal_query(ID_NUMBER.lower()) and is_personal_query("+86 139 1234 5678")
    assert not is_personal_query("张三") and not is_personal_query("12351")


def test_a_representative_run_logs_no_id_number_or_phone(
    client, orgs, settings, capsys, captured_logs
):
    settings.DEBUG = True
    settings.SMS_BACKEND = "gonghui.core.sms.ConsoleSmsBackend"
    staff = make_staff("log_cy", orgs["BJ-CY"], "case_handler")
    headers = bearer(staff)

    # create (API), search by ID and phone (API POST; GET refused), reveal (API)
    data = worker_data(orgs["BJ-CY-WJ"], name="日志测试", phone=PHONE, id_number=ID_NUMBER)
    r = client.post("/api/v1/workers", data, content_type="application/json", **headers)
    assert r.status_code == 201, r.content
    worker_id = r.json()["id"]
    for q in (ID_NUMBER, PHONE):
        r = client.post(
            "/api/v1/workers/search", {"q": q}, content_type="application/json", **headers
        )
        assert [w["id"] for w in r.json()["results"]] == [worker_id]
        r = client.get("/api/v1/workers", {"q": q}, **headers)
        assert r.status_code == 400 and "POST /api/v1/workers/search" in r.json()["errors"]["q"][0]
    r = client.get(
        f"/api/v1/workers/{worker_id}",
        {"reveal": "id_number,phone", "reason": "核实身份"},
        **headers,
    )
    assert r.json()["id_number"] == ID_NUMBER  # the reveal works; it is the logs that must not

    # console: search by POST, a GET with an ID number is refused
    console_login(client, staff)
    r = client.post("/console/workers/", {"q": ID_NUMBER})
    assert r.status_code == 200 and "日志测试" in r.content.decode()
    r = client.get("/console/workers/", {"q": PHONE})
    assert r.status_code == 400 and "不要放在网址中" in r.content.decode()
    r = client.post("/console/hotline/", {"q": CONTACT_PHONE})
    assert r.status_code == 200
    with planted():
        logging.getLogger("django.server").info(  # what runserver writes for such a request
            '"%s" %s %s', f"GET /console/workers/?q={ID_NUMBER}&p=%2B86{PHONE} HTTP/1.1", 400, 1234
        )

    # anonymous intake (API) with a contact phone, and a failing one that logs a warning
    from gonghui.hotline.tests.factories import appeal_data, post_appeal

    client.logout()
    r = post_appeal(client, appeal_data(contact_phone=CONTACT_PHONE, content="日志测试诉求"))
    assert r.status_code == 201, r.content
    with planted():
        logging.getLogger("gonghui.test").warning("intake from %s for %s", CONTACT_PHONE, ID_NUMBER)

    # SMS login with the console backend (DEBUG on: the code is shown, the phone masked)
    r = client.post(
        "/api/v1/auth/sms-code", {"phone": LOGIN_PHONE}, content_type="application/json"
    )
    assert r.status_code == 200, r.content
    out = capsys.readouterr().out
    code = re.search(r"验证码是(\d{6})", out)[1]
    captured_logs["text"] += out
    r = client.post(
        "/api/v1/auth/worker-token",
        {"phone": LOGIN_PHONE, "code": code},
        content_type="application/json",
    )
    assert r.status_code == 200, r.content

    collect(captured_logs, capsys, handler_output())
    text = captured_logs["text"]
    assert "[SMS] 验证码短信 → 135****2222" in text  # the run was captured
    assert "110105********018X" in text and "139****5678" in text  # masked, not dropped
    for value in SEEDED:
        for s in spellings(value):
            assert s not in text, f"{s} reached the logs"
