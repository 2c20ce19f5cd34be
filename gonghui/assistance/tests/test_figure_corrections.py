"""During 核实 the aid officer corrects the declared figures: the proposal is computed again,
the change (old → new per figure, who, when, why) is kept as a FigureCorrection, a FileEvent
and an AuditLog row, and the original declaration stays visible."""

import datetime
from decimal import Decimal

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from gonghui.assistance import figure_corrections
from gonghui.assistance.demo import BEIJING_2024, VALID_FROM
from gonghui.assistance.models import (
    Application,
    FigureCorrection,
    FileEvent,
    PovertyLine,
    State,
)
from gonghui.assistance.services import Conflict
from gonghui.core.models import AuditLog
from gonghui.people.tests.factories import bearer, make_staff, make_worker

from .factories import API, aid_officer, apply, step

pytestmark = pytest.mark.django_db


@pytest.fixture
def hd_aid(orgs):
    return aid_officer(orgs["BJ-HD"], "corr_hd_aid")


@pytest.fixture
def declared(orgs, hd_aid):
    """A one-person household declaring 24000 a year: 2000/month → 相对困难."""
    app = apply(make_worker(orgs["BJ-HD-ZGC-001"], name="钱多多"), hd_aid, income="24000")
    assert app.proposed_category == "relative"
    return app


def correct(user, app, reason="入户核实：工资条显示年收入12000元", **data):
    return figure_corrections.correct_figures(
        user=user, application_id=app.pk, data=data, reason=reason
    )


def test_a_correction_recomputes_and_is_recorded(hd_aid, declared):
    c = correct(hd_aid, declared, annual_income="12000", expenses={"medical": "1200"})
    app = Application.objects.get(pk=declared.pk)
    assert app.annual_income == Decimal("12000.00") and app.expenses == {"medical": "1200.00"}
    assert app.per_capita_monthly == Decimal("900.00")  # (12000 − 1200) ÷ 12 ÷ 1
    assert app.proposed_category == "deep" and app.explanation["category"] == "deep"
    assert app.state == State.SUBMITTED
    assert c.before == {
        "annual_income": "24000.00",
        "expenses": {},
        "per_capita_monthly": "2000.00",
        "proposed_category": "relative",
    }
    assert c.after["annual_income"] == "12000.00" and c.after["proposed_category"] == "deep"
    assert c.corrected_by == hd_aid and c.reason.startswith("入户核实")
    assert [
        (x["field"], x["old"], x["new"]) for x in figure_corrections.changes(c.before, c.after)
    ] == [
        ("annual_income", "24000.00", "12000.00"),
        ("expenses.medical", "0.00", "1200.00"),
    ]
    ev = FileEvent.objects.get(file=app.file, action="correct")
    assert ev.actor == hd_aid and ev.action_label == "更正申报数据"
    assert "家庭年可支配收入（元）、医疗支出" in ev.note
    assert "相对困难（人均 2000.00 元）→ 深度困难（人均 900.00 元）" in ev.note
    assert "24000" not in ev.note.replace("年收入12000元", "")  # amounts stay out of the history
    row = AuditLog.objects.get(action="correct_figures", object_id=str(app.pk))
    assert row.actor == hd_aid and row.fields == "annual_income,expenses.medical"
    assert row.reason == c.reason
    # verification and review go on with the corrected proposal
    step(app, hd_aid, "verify")
    assert step(app, hd_aid, "approve").category == "deep"


def test_a_second_correction_keeps_the_original_declaration(hd_aid, declared):
    correct(hd_aid, declared, annual_income="12000")
    correct(hd_aid, declared, expenses={"schooling": "3000"}, reason="子女学费")
    correct(hd_aid, declared, expenses={"schooling": "0"}, reason="学费已由学校减免")
    app = Application.objects.get(pk=declared.pk)
    history = figure_corrections.history(app)
    assert history["declared"]["annual_income"] == "24000.00"
    assert [len(c.changes) for c in history["corrections"]] == [1, 1, 1]
    assert app.expenses == {}  # 0 removed the kind again


def test_the_rules_of_the_original_computation_date_are_kept(orgs, hd_aid, declared):
    app = Application.objects.get(pk=declared.pk)
    app.explanation = {**app.explanation, "as_of": VALID_FROM.isoformat()}
    app.save(update_fields=["explanation"])
    PovertyLine.objects.create(
        org=orgs["BJ-HD"], valid_from=datetime.date.today(), monthly_amount=Decimal("2000.00")
    )
    correct(hd_aid, app, annual_income="30000")
    app.refresh_from_db()
    assert app.explanation["poverty_line"]["monthly_amount"] == str(BEIJING_2024)
    assert app.explanation["as_of"] == VALID_FROM.isoformat()


def test_only_verifiers_and_only_while_waiting_for_verification(orgs, hd_aid, declared):
    social = make_staff("corr_social", orgs["BJ-HD"], "social_worker")  # applies, cannot verify
    with pytest.raises(PermissionDenied):
        correct(social, declared, annual_income="12000")
    step(declared, hd_aid, "verify")
    with pytest.raises(Conflict, match="只能在核实阶段更正申报数据"):
        correct(hd_aid, declared, annual_income="12000")
    assert not FigureCorrection.objects.exists()


@pytest.mark.parametrize(
    ("data", "reason", "field", "message"),
    [
        ({"annual_income": "abc"}, "x", "annual_income", "应为不小于0的金额"),
        ({"annual_income": "-1"}, "x", "annual_income", "应为不小于0的金额"),
        ({"expenses": {"yacht": "10"}}, "x", "expenses", "支出类别无效"),
        ({"expenses": ["medical"]}, "x", "expenses", "刚性支出应为"),
        ({"annual_income": "12000"}, "  ", "reason", "请填写更正理由"),
        ({"annual_income": "24000.00"}, "x", "__all__", "更正后的数据与原数据相同"),
    ],
)
def test_bad_corrections_are_field_errors(hd_aid, declared, data, reason, field, message):
    with pytest.raises(ValidationError) as exc:
        correct(hd_aid, declared, reason=reason, **data)
    assert any(message in m for m in exc.value.message_dict[field])
    assert Application.objects.get(pk=declared.pk).annual_income == Decimal("24000.00")


def test_the_console_form_and_what_the_page_shows(client, hd_aid, declared):
    client.force_login(hd_aid)
    url = f"/console/assistance/{declared.file_id}/"
    assert "更正申报数据（核实时）" in client.get(url).content.decode()
    act = f"{url}act/"
    refused = client.post(act, {"what": "correct", "application": declared.pk, "reason": "x"})
    assert refused.status_code == 400 and "更正后的数据与原数据相同" in refused.content.decode()
    response = client.post(
        act,
        {
            "what": "correct",
            "application": declared.pk,
            "annual_income": "12000",
            "exp_medical": "",
            "reason": "入户核实",
        },
        follow=True,
    )
    assert [str(m) for m in response.context["messages"]] == ["申报数据已更正，已重新测算"]
    masked = response.content.decode()
    assert "核实时更正过申报数据（1次）" in masked and "24000.00" not in masked
    full = client.post(url, {"reveal": "1", "reason": "核对更正"}).content.decode()
    assert "原始申报：家庭年收入 24000.00 元" in full
    assert "家庭年可支配收入（元） 24000.00 → 12000.00" in full and "相对困难 → 深度困难" in full


def test_the_api_corrects_and_is_scoped(client, orgs, hd_aid, declared):
    cy = aid_officer(orgs["BJ-CY"], "corr_cy_aid")
    url = f"{API}/applications/{declared.pk}/corrections"
    body = {"annual_income": 12000, "reason": "入户核实"}
    assert client.post(url, body, content_type="application/json", **bearer(cy)).status_code == 404
    response = client.post(url, body, content_type="application/json", **bearer(hd_aid))
    assert response.status_code == 201, response.content
    out = response.json()
    assert out["proposed_category"] == "deep" and out["corrections_count"] == 1
    assert out["annual_income"] == "***"
    bad = client.post(url, {"reason": "x"}, content_type="application/json", **bearer(hd_aid))
    assert bad.status_code == 400
    full = client.get(
        f"{API}/files/{declared.file_id}?reveal_full=true&reason=核对", **bearer(hd_aid)
    ).json()
    app_out = full["applications"][0]
    assert app_out["declared"]["annual_income"] == "24000.00"
    assert app_out["corrections"][0]["after"]["annual_income"] == "12000.00"
