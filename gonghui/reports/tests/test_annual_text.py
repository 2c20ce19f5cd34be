"""The annual report's paragraph (reports/annual.py): the published Beijing 2022 review,
clauses left out when their figure is None or 0, and the year check."""

from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from gonghui.reports.annual import check_year, paragraph, sentences

BJ_2022 = {
    "stations_opened_warm": 1013,
    "service_projects": 1445,
    "service_person_times": 5_811_400,
    "health_checks_done": 18_750,
    "appeals_received": 75_000,
    "appeals_closure_rate": 1.0,
    "aid_raised_warmth": Decimal("225000000.00"),
    "enterprises_visited": 4261,
    "workers_reached": 1_600_000,
    "hardship_workers_aided": 23_000,
}


def test_the_published_2022_review():
    text = paragraph(sentences(BJ_2022), 2022, "北京市总工会")
    assert text == (
        "2022年，北京市总工会全年新建户外劳动者暖心驿站1013家；"
        "开展普惠性职工服务项目1445个，服务职工581.14万人次；"
        "为1.875万名快递员、外卖员、网约送餐员、货车司机等新就业形态劳动者提供免费健康体检服务；"
        "12351职工服务热线办理职工诉求7.5万件，办结率100%；"
        "筹集送温暖款物2.25亿元，累计慰问企业4261家、职工160万人次，帮助救助困难职工2.3万人次。"
    )


@pytest.mark.parametrize(
    ("code", "gone"),
    [
        ("stations_opened_warm", "暖心驿站"),
        ("service_person_times", "服务职工"),
        ("health_checks_done", "健康体检"),
        ("aid_raised_warmth", "送温暖"),
        ("enterprises_visited", "企业"),
        ("hardship_workers_aided", "困难职工"),
    ],
)
@pytest.mark.parametrize("empty", [None, 0, Decimal("0.00")])
def test_a_clause_without_its_figure_is_left_out(code, gone, empty):
    values = {**BJ_2022, code: empty}
    text = "；".join(sentences(values))
    assert gone not in text
    assert "None" not in text and "0家" not in text
    # the other clauses stay
    assert "7.5万件" in text


def test_the_hotline_sentence_goes_with_its_count():
    values = {**BJ_2022, "appeals_received": 0}
    assert not any("12351" in s for s in sentences(values))
    values = {**BJ_2022, "appeals_closure_rate": None}
    assert "12351职工服务热线办理职工诉求7.5万件" in sentences(values)


def test_rates_other_than_closure_are_stated_when_known():
    values = {**BJ_2022, "appeals_closure_rate": 0.9913, "appeals_satisfaction_rate": 0.9707}
    assert "办结率99.13%、满意率97.07%" in "；".join(sentences(values))


def test_a_rate_of_zero_is_still_stated():
    # 0% closure is a fact worth stating; only a missing rate is left out
    values = {**BJ_2022, "appeals_closure_rate": 0.0}
    assert "办结率0%" in "；".join(sentences(values))


def test_honors_and_households():
    values = {"honors_awarded": 145, "hardship_households": 12_345}
    assert sentences(values) == ["年末在册困难职工家庭1.235万户", "表彰各类先进个人和集体145个"]


def test_nothing_to_say():
    assert sentences({}) == []
    assert sentences(dict.fromkeys(BJ_2022, 0)) == []
    assert paragraph([], 2022, "北京市总工会") == ""


def test_year_check():
    assert check_year("2022") == 2022
    for bad in ("abc", "", None, "1999", "3000"):
        with pytest.raises(ValidationError) as exc:
            check_year(bad)
        assert "year" in exc.value.message_dict
