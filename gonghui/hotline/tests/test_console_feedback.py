"""What the hotline console tells people: a message after every action, errors by field, names
(never codes or raw status keys) in its tables, time left as 剩余/已超期, labelled filters."""

import re
from html.parser import HTMLParser

import pytest

from gonghui.core.models import AuditLog
from gonghui.hotline import contact
from gonghui.hotline.models import Appeal, Category, Status
from gonghui.orgs.models import Org

from .factories import act, act_at, at, call_back, handle, intake, make_appeal

pytestmark = pytest.mark.django_db


class _Visible(HTMLParser):
    """The text a person sees: no tags, attributes, scripts or styles."""

    def __init__(self):
        super().__init__()
        self.parts, self._skip = [], 0

    def handle_starttag(self, tag, attrs):
        self._skip += tag in ("script", "style")

    def handle_endtag(self, tag):
        self._skip -= tag in ("script", "style") and self._skip > 0

    def handle_data(self, data):
        if not self._skip:
            self.parts.append(data)


def visible_text(response) -> str:
    parser = _Visible()
    parser.feed(response.content.decode())
    return " ".join(parser.parts)


def shown_messages(response) -> list[str]:
    return [str(m) for m in response.context["messages"]]


def post(client, appeal, **data):
    return client.post(f"/console/hotline/{appeal.pk}/", data, follow=True)


# --- a message after every action ------------------------------------------------------------


def test_intake_says_which_appeal_was_registered(client, operator, orgs):
    client.force_login(operator)
    data = {
        "type": "help",
        "category": "LABOR-WAGE",
        "urgency": "normal",
        "channel": "phone",
        "district": "BJ-CY",
        "contact_phone": "13812345678",
        "content": "拖欠工资",
    }
    r = client.post("/console/hotline/new/", data, follow=True)
    appeal = Appeal.objects.get()
    assert shown_messages(r) == [f"已受理诉求 {appeal.number}，请派单"]


def test_intake_errors_are_on_their_fields(client, operator, orgs):
    client.force_login(operator)
    r = client.post(
        "/console/hotline/new/", {"type": "help", "urgency": "normal", "channel": "phone"}
    )
    assert r.status_code == 400
    assert shown_messages(r) == ["请检查填写内容"]
    form = r.context["form"]
    assert form.errors["content"] == ["请填写诉求内容"]
    assert "请填写诉求内容" in visible_text(r)
    assert not Appeal.objects.exists()


def test_every_console_action_says_what_happened(client, operator, cy_handler, orgs):
    main = make_appeal(operator, district="BJ-CY")

    def said(user, appeal, **data):
        client.force_login(user)
        r = post(client, appeal, **data)
        assert r.status_code == 200, r.content.decode()[:500]
        (text,) = shown_messages(r)
        return text

    assert said(operator, main, action="dispatch") == "已派单至 朝阳区总工会"
    assert said(cy_handler, main, action="accept") == "已签收，请尽快联系诉求人"
    assert (
        said(cy_handler, main, action="request_extension", days="3", reason="取证")
        == "已申请延期 3 个工作日，等待热线审批"
    )
    assert said(operator, main, action="approve_extension").startswith("已批准延期，办结时限延至 ")
    assert said(cy_handler, main, action="contact", note="已电话联系") == "已记录联系诉求人"
    assert said(operator, main, action="supervise").startswith("已督办")
    assert said(cy_handler, main, action="resolve", note="已补发") == "已办结，等待回访"
    unhappy = {"contacted": "true", "resolved": "unresolved", "satisfaction": "unsatisfied"}
    assert said(operator, main, action="callback", **unhappy) == "已记录回访结果"
    assert said(operator, main, action="reopen", reason="职工不满意").startswith(
        "已重办，交回 朝阳区总工会 办理"
    )
    said(cy_handler, main, action="accept")
    said(cy_handler, main, action="contact", note="再次联系")
    said(cy_handler, main, action="resolve", note="已补发全部")
    happy = {"contacted": "true", "resolved": "resolved", "satisfaction": "satisfied"}
    said(operator, main, action="callback", **happy)
    assert said(operator, main, action="close") == "已归档"

    other = act(operator, make_appeal(operator, district="BJ-CY"), "dispatch")
    assert said(cy_handler, other, action="return", reason="不属于本单位") == "已退单，等待热线改派"
    assert said(operator, other, action="merge", into=main.number) == f"已合并到 {main.number}"


def test_an_action_error_is_a_message_and_a_field_error(client, operator, cy_handler, orgs):
    appeal = act(cy_handler, act(operator, make_appeal(operator), "dispatch"), "accept")
    appeal = act(cy_handler, appeal, "contact", note="已联系")
    client.force_login(cy_handler)
    r = client.post(f"/console/hotline/{appeal.pk}/", {"action": "resolve"})
    assert r.status_code == 400
    assert shown_messages(r) == ["请检查填写内容"]
    assert r.context["failed"] == "resolve"
    assert r.context["field_errors"] == ["说明：请填写办理结果"]
    html = r.content.decode()
    assert re.search(r"<details class=\"action\" open><summary>办结", html)
    conflict = client.post(f"/console/hotline/{appeal.pk}/", {"action": "accept"})
    assert conflict.status_code == 409
    assert shown_messages(conflict) == ["当前状态“已联系”下不能执行“签收”"]


def test_an_upload_says_what_was_attached(client, cy_handler, operator, orgs):
    from django.core.files.uploadedfile import SimpleUploadedFile

    appeal = act(operator, make_appeal(operator), "dispatch")
    client.force_login(cy_handler)
    pdf = SimpleUploadedFile("证明.pdf", b"%PDF-1.4\n%test\n", content_type="application/pdf")
    r = client.post(f"/console/hotline/{appeal.pk}/", {"file": pdf}, follow=True)
    assert shown_messages(r) == ["已上传附件 证明.pdf"]


# --- names, not codes; time left, not hours with decimals -------------------------------------


@pytest.fixture
def handled(clock, operator, cy_handler, hd_handler):
    """Appeals in three categories handled by 朝阳 and 海淀, one of them long overdue."""
    op = operator
    # received on 国庆: response due Oct 2 09:00, resolve due 24:00 Oct 16 (Oct 9, 10, 11 调休,
    # 13, 14, 15, 16); dispatched, never contacted
    old = intake(clock, op, at(2025, 10, 1, 9), category="LEGAL")
    act_at(clock, at(2025, 10, 1, 9, 30), op, old, "dispatch")
    handle(
        clock,
        intake(clock, op, at(2025, 10, 13, 9)),
        op,
        cy_handler,
        dispatched=at(2025, 10, 13, 9, 30),
        contacted=at(2025, 10, 13, 10),
        resolved=at(2025, 10, 14, 15),
    )
    done = handle(
        clock,
        intake(clock, op, at(2025, 10, 14, 9), category="HARDSHIP", district="BJ-HD"),
        op,
        hd_handler,
        dispatched=at(2025, 10, 14, 9, 30),
        contacted=at(2025, 10, 14, 10),
        resolved=at(2025, 10, 15, 15),
    )
    call_back(clock, at(2025, 10, 16, 10), op, done)
    fresh = intake(clock, op, at(2025, 10, 20, 9), urgency="urgent")  # response due 11:00
    clock.set(at(2025, 10, 20, 10))
    return {"old": Appeal.objects.get(pk=old.pk), "fresh": Appeal.objects.get(pk=fresh.pk)}


def _no_codes(text: str) -> None:
    assert "BJ-" not in text
    for code in Category.objects.values_list("code", flat=True):
        assert not re.search(rf"(?<![A-Za-z]){re.escape(code)}(?![A-Za-z])", text), code
    for key in Status.values:
        assert not re.search(rf"(?<![A-Za-z_]){key}(?![A-Za-z_])", text), key
    assert not re.search(r"\d+\.\d+ ?小时", text)  # "−300.8 小时" and the like


def test_metrics_page_shows_names_never_codes(client, operator, handled):
    client.force_login(operator)
    r = client.get(
        "/console/hotline/metrics/",
        {"org": "BJ", "date_from": "2025-10-01", "date_to": "2025-10-20"},
    )
    assert r.status_code == 200
    text = visible_text(r)
    for name in ("劳动关系", "法律援助", "困难帮扶", "朝阳区总工会", "海淀区总工会"):
        assert name in text, name
    _no_codes(text)
    assert re.search(r"\d+(\.\d+)?%", text)  # rates as percentages, not 0.5455


def test_queue_and_case_pages_show_names_and_time_left(client, operator, handled):
    client.force_login(operator)
    listed = visible_text(client.get("/console/hotline/"))
    _no_codes(listed)
    assert "响应 已超期 18天1小时" in listed  # the deadline that was missed first
    assert "响应 剩余 1小时" in listed
    page = client.get(f"/console/hotline/{handled['old'].pk}/")
    text = visible_text(page)
    _no_codes(text)
    assert "已超期 18天1小时" in text and "已超期 3天10小时" in text


def test_list_filters_have_visible_labels(client, operator, orgs):
    client.force_login(operator)
    html = client.get("/console/hotline/").content.decode()
    for name, label in (
        ("q", "编号/电话/内容"),
        ("status", "状态"),
        ("category", "分类"),
        ("date_from", "自"),
        ("date_to", "至"),
    ):
        assert re.search(rf'<label for="id_{name}">{label} <(input|select)', html), name
    metrics = client.get("/console/hotline/metrics/").content.decode()
    assert re.search(r'<label for="id_org">', metrics)


def test_metrics_page_errors_are_on_the_form(client, operator, cy_handler, orgs):
    client.force_login(operator)
    r = client.get(
        "/console/hotline/metrics/", {"date_from": "2025-10-19", "date_to": "2025-10-01"}
    )
    assert r.status_code == 400
    assert r.context["form"].errors["date_from"] == ["开始日期不能晚于结束日期"]
    assert shown_messages(r) == ["请检查统计条件"]
    client.force_login(cy_handler)
    r = client.get("/console/hotline/metrics/", {"org": "BJ-HD"})
    assert r.status_code == 400
    assert r.context["form"].errors["org"] == [
        "找不到“BJ-HD”对应的工会组织，或它不在您的管辖范围内"
    ]


def test_metrics_defaults_are_the_same_on_the_page_and_the_api(client, operator, clock, orgs):
    from gonghui.people.tests.factories import bearer

    client.force_login(operator)
    window = client.get("/console/hotline/metrics/").context["window"]
    body = client.get("/api/v1/hotline/metrics", **bearer(operator)).json()
    assert (
        (window.org.code, window.date_from.isoformat(), window.date_to.isoformat())
        == (
            body["org"],
            body["from"],
            body["to"],
        )
        == ("BJ", "2025-09-21", "2025-10-20")
    )
    assert body["org_name"] == Org.objects.get(code="BJ").name


# --- the contact reveal: one service for the case page and the API ---------------------------


def test_reveal_is_one_audited_service_for_page_and_api(client, operator, cy_handler, orgs):
    from gonghui.people.tests.factories import bearer

    appeal = act(operator, make_appeal(operator, contact_phone="13812345678"), "dispatch")
    client.force_login(cy_handler)
    page = client.post(f"/console/hotline/{appeal.pk}/", {"reveal": "1", "reason": "回访"})
    assert "13812345678" in page.content.decode()
    api = client.get(
        f"/api/v1/hotline/appeals/{appeal.pk}",
        {"reveal": "contact_phone,contact_name", "reason": "回访"},
        **bearer(cy_handler),
    )
    assert api.json()["contact_phone"] == "13812345678"
    rows = list(
        AuditLog.objects.data_access().order_by("id").values_list("action", "fields", "reason")
    )
    assert rows == [
        ("reveal", "contact_name,contact_phone", "回访"),
        ("reveal", "contact_phone,contact_name", "回访"),
    ]


def test_reveal_needs_a_reason_and_the_role(operator, cy_handler, hd_handler, orgs):
    from django.core.exceptions import PermissionDenied, ValidationError

    appeal = act(operator, make_appeal(operator), "dispatch")
    with pytest.raises(ValidationError) as no_reason:
        contact.reveal_contact(user=cy_handler, appeal=appeal, reason=" ")
    assert no_reason.value.message_dict == {"reason": ["查看完整个人信息须填写事由"]}
    with pytest.raises(ValidationError):
        contact.reveal_contact(user=cy_handler, appeal=appeal, fields=["content"], reason="x")
    with pytest.raises(PermissionDenied):
        contact.reveal_contact(user=hd_handler, appeal=appeal, reason="回访")
    assert not AuditLog.objects.data_access().exists()
    shown = contact.reveal_contact(user=cy_handler, appeal=appeal, reason="回访")
    assert shown == {"contact_name": "张三", "contact_phone": "13800001111"}
    assert AuditLog.objects.data_access().get().reason == "回访"
