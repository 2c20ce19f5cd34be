"""SMS backends: Aliyun against a local stub of its HTTP API; console masking."""

import json
import logging
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, urlsplit

import pytest

from gonghui.core import sms

PHONE = "13812345678"
# the SDK signs with Aliyun's V3 scheme: headers, not query parameters
SIGNATURE_HEADERS = {"authorization", "x-acs-date", "x-acs-signature-nonce", "x-acs-content-sha256"}


class StubAliyun(BaseHTTPRequestHandler):
    """Answers like dysmsapi: records each request, replies with ``server.reply``."""

    def do_POST(self):
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length).decode()
        params = {k: v[0] for k, v in parse_qs(urlsplit(self.path).query).items()}
        params.update({k: v[0] for k, v in parse_qs(body).items()})
        params["headers"] = {k.lower(): v for k, v in self.headers.items()}
        self.server.requests.append(params)
        status, reply = self.server.reply
        data = json.dumps(reply).encode()
        self.send_response(status)
        self.send_header("Content-Type", "application/json;charset=utf-8")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, *args):
        pass


OK = (200, {"Code": "OK", "Message": "OK", "BizId": "900619746936498440^0", "RequestId": "R1"})
LIMITED = (
    200,
    {
        "Code": "isv.BUSINESS_LIMIT_CONTROL",
        "Message": "触发号码天级流控Permits:10",
        "RequestId": "R2",
    },
)


@pytest.fixture
def stub():
    server = ThreadingHTTPServer(("127.0.0.1", 0), StubAliyun)
    server.requests = []
    server.reply = OK
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield server
    server.shutdown()
    server.server_close()


@pytest.fixture
def aliyun(settings, stub):
    settings.SMS_BACKEND = "gonghui.core.sms.AliyunSmsBackend"
    settings.SMS_ACCESS_KEY_ID = "LTAI-test"
    settings.SMS_ACCESS_KEY_SECRET = "secret-test"
    settings.SMS_SIGN_NAME = "工会12351"
    settings.SMS_TEMPLATES = {sms.LOGIN_CODE: "SMS_100001", sms.NOTICE: "SMS_100002"}
    settings.SMS_ENDPOINT = f"127.0.0.1:{stub.server_address[1]}"
    settings.SMS_PROTOCOL = "http"
    settings.SMS_TIMEOUT_MS = 2000
    return stub


def test_aliyun_sends_a_login_code_through_the_sdk(aliyun):
    assert sms.send_sms(
        PHONE, "验证码123456", kind=sms.LOGIN_CODE, params={"code": "123456"}, fail_silently=False
    )
    (req,) = aliyun.requests
    headers = req["headers"]
    assert headers["x-acs-action"] == "SendSms"
    assert headers["x-acs-version"] == "2017-05-25"
    assert req["PhoneNumbers"] == PHONE
    assert req["SignName"] == "工会12351"
    assert req["TemplateCode"] == "SMS_100001"
    assert json.loads(req["TemplateParam"]) == {"code": "123456"}
    assert headers.keys() >= SIGNATURE_HEADERS
    assert headers["authorization"].startswith("ACS3-HMAC-SHA256 Credential=LTAI-test,")
    assert "secret-test" not in json.dumps(req)


def test_aliyun_sends_free_text_through_the_notice_template(aliyun):
    assert sms.send_sms(PHONE, "【工会帮扶】档案 K-1：请回访")
    (req,) = aliyun.requests
    assert req["TemplateCode"] == "SMS_100002"
    assert json.loads(req["TemplateParam"]) == {"content": "【工会帮扶】档案 K-1：请回访"}


def test_aliyun_refusal_raises_with_the_provider_code(aliyun, caplog):
    aliyun.reply = LIMITED
    with pytest.raises(sms.SmsSendError) as exc:
        sms.send_sms(PHONE, "x", kind=sms.LOGIN_CODE, params={"code": "1"}, fail_silently=False)
    assert exc.value.code == "isv.BUSINESS_LIMIT_CONTROL"
    assert PHONE not in caplog.text
    # notices are best effort: logged, not raised
    assert sms.send_sms(PHONE, "通知") is False


def test_aliyun_http_error_raises(aliyun):
    aliyun.reply = (500, {"Code": "InternalError", "Message": "x", "RequestId": "R3"})
    with pytest.raises(sms.SmsSendError):
        sms.send_sms(PHONE, "x", kind=sms.LOGIN_CODE, params={"code": "1"}, fail_silently=False)


def test_aliyun_network_failure_raises(aliyun, settings):
    aliyun.shutdown()
    aliyun.server_close()
    with pytest.raises(sms.SmsSendError):
        sms.send_sms(PHONE, "x", kind=sms.LOGIN_CODE, params={"code": "1"}, fail_silently=False)


def test_aliyun_needs_its_keys(settings):
    settings.SMS_BACKEND = "gonghui.core.sms.AliyunSmsBackend"
    settings.SMS_ACCESS_KEY_ID = ""
    with pytest.raises(sms.ImproperlyConfigured):
        sms.send_sms(PHONE, "x")


def test_console_masks_phone_and_hides_text_unless_asked(settings, capsys, caplog):
    settings.DEBUG = False
    settings.SMS_CONSOLE_SHOW_TEXT = False
    settings.SMS_BACKEND = "gonghui.core.sms.ConsoleSmsBackend"
    caplog.set_level(logging.DEBUG)
    sms.send_sms(PHONE, "验证码是654321", kind=sms.LOGIN_CODE, params={"code": "654321"})
    out = capsys.readouterr().out
    assert "验证码短信 → 138****5678" in out
    for text in (out, caplog.text):
        assert PHONE not in text and "654321" not in text


def test_console_prints_code_when_asked_never_the_phone(settings, capsys):
    """Development and ``make run`` (DEBUG off, SMS_CONSOLE_SHOW_TEXT on: the demo worker's
    login code must be readable in the terminal)."""
    settings.DEBUG = False
    settings.SMS_CONSOLE_SHOW_TEXT = True
    settings.SMS_BACKEND = "gonghui.core.sms.ConsoleSmsBackend"
    sms.send_sms(PHONE, "验证码是654321", kind=sms.LOGIN_CODE, params={"code": "654321"})
    out = capsys.readouterr().out
    assert "654321" in out and PHONE not in out


@pytest.mark.django_db
def test_login_code_route_answers_503_in_chinese_when_the_provider_refuses(client, aliyun):
    aliyun.reply = LIMITED
    r = client.post("/api/v1/auth/sms-code", {"phone": PHONE}, content_type="application/json")
    assert r.status_code == 503
    assert r.json()["detail"] == "短信发送失败，请稍后再试"
    assert json.loads(aliyun.requests[0]["TemplateParam"]).keys() == {"code"}


@pytest.mark.django_db
def test_login_code_route_sends_the_code_template(client, aliyun):
    r = client.post("/api/v1/auth/sms-code", {"phone": PHONE}, content_type="application/json")
    assert r.status_code == 200
    (req,) = aliyun.requests
    assert req["TemplateCode"] == "SMS_100001"
    assert json.loads(req["TemplateParam"])["code"].isdigit()


@pytest.mark.django_db
def test_h5_login_page_shows_a_chinese_error_when_the_provider_is_down(client, aliyun):
    aliyun.shutdown()
    aliyun.server_close()
    r = client.post("/h5/login/", {"phone": PHONE})
    assert r.status_code == 503
    assert "短信发送失败，请稍后再试" in r.content.decode()


def test_deploy_check_flags_console_and_missing_aliyun_settings(settings):
    from gonghui.core.checks import sms_provider_configured

    settings.DEBUG = False
    settings.SMS_BACKEND = "gonghui.core.sms.ConsoleSmsBackend"
    assert [e.id for e in sms_provider_configured(None)] == ["gonghui.W001"]
    settings.SMS_BACKEND = "gonghui.core.sms.AliyunSmsBackend"
    settings.SMS_ACCESS_KEY_ID = "LTAI-test"
    settings.SMS_ACCESS_KEY_SECRET = "secret-test"
    settings.SMS_SIGN_NAME = "工会12351"
    settings.SMS_TEMPLATES = {"login_code": "SMS_1", "notice": ""}
    (error,) = sms_provider_configured(None)
    assert error.id == "gonghui.E004" and "SMS_TEMPLATE_NOTICE" in error.msg
    settings.SMS_TEMPLATES = {"login_code": "SMS_1", "notice": "SMS_2"}
    assert sms_provider_configured(None) == []
    settings.DEBUG = True
    settings.SMS_BACKEND = "gonghui.core.sms.ConsoleSmsBackend"
    assert sms_provider_configured(None) == []
