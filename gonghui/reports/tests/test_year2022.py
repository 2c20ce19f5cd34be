"""load_year_2022 at 1% scale (the full run is documented in docs/annual-report.md): every
target indicator equals its scaled figure, the report states them, a re-run is a no-op, and
the rows are valid (unique numbers, closed appeals, counters that match)."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Sum

from gonghui.hotline.models import Appeal, DailySequence, Status
from gonghui.plans import indicators
from gonghui.reports import annual, year2022
from gonghui.services.models import HealthBooking, HealthQuota, HospitalDay

pytestmark = pytest.mark.django_db
SCALE = 0.01


@pytest.fixture
def loaded(orgs):
    out = io.StringIO()
    call_command("load_year_2022", scale=SCALE, stdout=out)
    return out.getvalue()


def test_scaled_targets():
    t = year2022.scaled_targets(SCALE)
    assert t["service_person_times"] == 58_114
    assert t["health_checks_done"] == 188  # 187.5 rounds half up
    assert t["aid_raised_warmth"] == Decimal(2_250_000)
    assert year2022.scaled_targets(1) == year2022.TARGETS
    assert sum(year2022.split(5_811_400, 7)) == 5_811_400


def test_every_figure_equals_its_target(orgs, loaded):
    assert "MISMATCH" not in loaded
    got = indicators.values(list(year2022.TARGETS), orgs["BJ"], 2022)
    assert got == year2022.scaled_targets(SCALE)
    assert indicators.value("appeals_closure_rate", orgs["BJ"], 2022) == 1.0


def test_the_report_states_the_figures(orgs, loaded):
    report = annual.build(orgs["BJ"], 2022)
    assert report.values() == indicators.values(
        [i.code for i in indicators.all_indicators()], orgs["BJ"], 2022
    )
    text = report.paragraph
    for clause in (
        "全年新建户外劳动者暖心驿站10家",
        "开展普惠性职工服务项目14个，服务职工5.811万人次",
        "为188名快递员",
        "12351职工服务热线办理职工诉求750件，办结率100%",
        "筹集送温暖款物225万元",
        "累计慰问企业43家、职工1.6万人次",
        "帮助救助困难职工230人次",
    ):
        assert clause in text


def test_a_second_run_is_a_no_op(orgs, loaded):
    before = Appeal.objects.count()
    out = io.StringIO()
    call_command("load_year_2022", scale=SCALE, stdout=out)
    assert "already loaded" in out.getvalue()
    assert Appeal.objects.count() == before


def test_rows_are_valid(orgs, loaded):
    appeals = Appeal.objects.filter(received_at__year=2022)
    assert appeals.count() == 750
    assert not appeals.exclude(status=Status.CLOSED).exists()
    assert appeals.values("number").distinct().count() == 750
    # the per-day counters continue after the loaded numbers
    seq = DailySequence.objects.get(day="2022-01-01")
    assert appeals.filter(number__startswith="12351-20220101-").count() == seq.last
    bookings = HealthBooking.objects.filter(year=2022)
    assert bookings.values("id_number_hash").distinct().count() == bookings.count() == 188
    assert HealthQuota.objects.filter(program__year=2022).aggregate(s=Sum("used"))["s"] == 188
    assert HospitalDay.objects.filter(program__year=2022).aggregate(s=Sum("booked"))["s"] == 188
    assert all(b.worker.id_number_hash == b.id_number_hash for b in bookings[:20])
