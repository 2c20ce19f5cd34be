"""A small hand-computed year (2025) across every app, for the indicator tests.

Rows are made directly (like a migration of old records would); the expected figures are
written next to each block so a test reads ``EXPECTED`` against ``indicators.value``.
"""

import datetime
from decimal import Decimal

from gonghui.assistance.models import (
    Beneficiary,
    BudgetLine,
    Campaign,
    EnterpriseVisit,
    FileStatus,
    GoodsDelivery,
    HardshipFile,
    Payment,
)
from gonghui.core.workdays import SHANGHAI
from gonghui.honors.models import State as HonorState
from gonghui.honors.tests.factories import make_nomination, make_program
from gonghui.hotline.models import Appeal, ResolvedResult, Satisfaction, Status
from gonghui.hotline.tests.factories import make_appeal, make_operator
from gonghui.people.tests.factories import make_worker
from gonghui.services.models import (
    Attendance,
    HealthBooking,
    HealthProgram,
    HealthQuota,
    Hospital,
    HospitalDay,
    WalkIn,
)
from gonghui.services.tests.factories import make_project, make_session
from gonghui.stations.tests.factories import make_station

Y = 2025
NEXT_JAN = datetime.datetime(Y + 1, 1, 5, tzinfo=SHANGHAI)


def when(m, d, h=10) -> datetime.datetime:
    return datetime.datetime(Y, m, d, h, tzinfo=SHANGHAI)


def build(orgs) -> dict:
    cy, hd = orgs["BJ-CY"], orgs["BJ-HD"]
    cy_street, hd_street = orgs["BJ-CY-WJ"], orgs["BJ-HD-ZGC"]
    w = [make_worker(orgs["BJ-CY-WJ-001"]) for _ in range(3)] + [make_worker(orgs["BJ-HD-ZGC-001"])]

    # stations: CY opens 2 warm (Mar, Jul) + 1 home (Jul); HD 1 warm (Mar) that closes in 2025;
    # one CY warm opened in 2024 still open; one opened Jan 2026 (not this year)
    make_station(org=cy_street, opened_on=datetime.date(Y, 3, 5))
    make_station(org=cy_street, opened_on=datetime.date(Y, 7, 1))
    make_station(org=cy, type="worker_home", opened_on=datetime.date(Y, 7, 9))
    make_station(org=hd_street, opened_on=datetime.date(Y, 3, 1), closed_on=datetime.date(Y, 9, 1))
    make_station(org=cy, opened_on=datetime.date(Y - 1, 6, 1))
    make_station(org=cy, opened_on=datetime.date(Y + 1, 1, 2))

    # services: CY project with 2 sessions in 2025 (Apr, May), HD project with 1 (Apr),
    # CY project whose only session is in 2024
    p1 = make_project(organiser=cy)
    s1 = make_session(p1, starts_at=when(4, 2))
    s2 = make_session(p1, starts_at=when(5, 6))
    p2 = make_project(organiser=hd_street)
    s3 = make_session(p2, starts_at=when(4, 20))
    p3 = make_project(organiser=cy)
    s4 = make_session(p3, starts_at=datetime.datetime(Y - 1, 12, 30, 10, tzinfo=SHANGHAI))
    for session, workers in ((s1, w[:3]), (s2, w[:2]), (s3, w[3:]), (s4, w[:1])):
        for worker in workers:
            Attendance.objects.create(
                session=session, worker=worker, method="roster", at=session.starts_at
            )
    WalkIn.objects.create(session=s1, count=10, note="现场")
    WalkIn.objects.create(session=s3, count=4, note="现场")
    WalkIn.objects.create(session=s4, count=99, note="去年")

    # health checks: CY quota: 2 completed in 2025 (Jun, Aug), 1 booked; HD: 1 completed
    program = HealthProgram.objects.create(
        title="体检", year=Y, organiser=orgs["BJ"],
        applications_open=datetime.date(Y, 1, 1), applications_close=datetime.date(Y, 12, 1),
    )  # fmt: skip
    hospital = Hospital.objects.create(
        name="医院", org=orgs["BJ"], district=cy, address="朝阳路1号"
    )
    day = HospitalDay.objects.create(
        program=program, hospital=hospital, date=datetime.date(Y, 6, 1), slots=10
    )
    quotas = {
        o: HealthQuota.objects.create(program=program, district=o, quota=10) for o in (cy, hd)
    }
    for i, (org, status, done) in enumerate(
        [(cy, "completed", when(6, 1)), (cy, "completed", when(8, 1)), (cy, "booked", None),
         (hd, "completed", when(6, 2))]
    ):  # fmt: skip
        HealthBooking.objects.create(
            program=program, year=Y, worker=w[i], id_number_hash=f"h{i}", quota=quotas[org],
            day=day, status=status, completed_at=done,
        )  # fmt: skip

    # hotline: 4 appeals in CY in 2025 (Feb, Feb, Mar, Mar), 3 done; 2 called back:
    # resolved+satisfied, partly+unsatisfied; one HD appeal; one CY appeal in 2024
    operator = make_operator(orgs["BJ"], "op_world")

    def appeal(district, received, phone):
        # intake refuses back-dated calls older than 30 days: date the stored row afterwards
        made = make_appeal(operator, district=district, contact_phone=phone)
        Appeal.objects.filter(pk=made.pk).update(
            received_at=received, response_due=received, resolve_due=received
        )
        return made

    appeals = [
        appeal("BJ-CY", when(m, d), f"1390000000{i}")
        for i, (m, d) in enumerate([(2, 3), (2, 10), (3, 3), (3, 20)])
    ]
    appeal("BJ-HD", when(3, 1), "13900000009")
    appeal("BJ-CY", datetime.datetime(Y - 1, 12, 1, 10, tzinfo=SHANGHAI), "13900000008")
    Appeal.objects.filter(pk__in=[a.pk for a in appeals]).update(responsible_org=cy)
    Appeal.objects.filter(pk__in=[a.pk for a in appeals[:3]]).update(status=Status.CLOSED)
    Appeal.objects.filter(pk=appeals[0].pk).update(
        callback_contacted=True,
        callback_resolved=ResolvedResult.RESOLVED,
        callback_satisfaction=Satisfaction.SATISFIED,
    )
    Appeal.objects.filter(pk=appeals[1].pk).update(
        callback_contacted=True,
        callback_resolved=ResolvedResult.PARTLY,
        callback_satisfaction=Satisfaction.UNSATISFIED,
    )

    # aid: a CY 送温暖 2025 campaign raising 300,000 (2 lines) and a HD 金秋助学 raising 50,000;
    # a CY 2024 campaign raising 999
    c1 = Campaign.objects.create(kind="warmth", year=Y, title="送温暖", organiser=cy)
    BudgetLine.objects.create(campaign=c1, source="union_funds", amount=Decimal("200000"))
    BudgetLine.objects.create(campaign=c1, source="partner_donation", amount=Decimal("100000"))
    c2 = Campaign.objects.create(kind="schooling", year=Y, title="金秋助学", organiser=hd)
    BudgetLine.objects.create(campaign=c2, source="union_funds", amount=Decimal("50000"))
    c0 = Campaign.objects.create(kind="warmth", year=Y - 1, title="旧", organiser=cy)
    BudgetLine.objects.create(campaign=c0, source="union_funds", amount=Decimal("999"))

    file = HardshipFile.objects.create(
        number="F1", primary_worker=w[0], org=orgs["BJ-CY-WJ-001"],
        status=FileStatus.REGISTERED, category="deep", registered_on=datetime.date(Y, 2, 1),
    )  # fmt: skip
    HardshipFile.objects.create(
        number="F2", primary_worker=w[1], org=orgs["BJ-CY-WJ-001"], status=FileStatus.EXITED,
        registered_on=datetime.date(Y - 1, 2, 1), closed_at=when(6, 1),
    )  # fmt: skip
    HardshipFile.objects.create(
        number="F3", primary_worker=w[2], org=orgs["BJ-CY-WJ-001"], status=FileStatus.EXITED,
        registered_on=datetime.date(Y - 1, 2, 1), closed_at=NEXT_JAN,
    )  # fmt: skip
    HardshipFile.objects.create(
        number="F4", primary_worker=w[3], org=orgs["BJ-HD-ZGC-001"],
        status=FileStatus.REJECTED, registered_on=None,
    )  # fmt: skip

    def ben(campaign, worker, org, file=None):
        return Beneficiary.objects.create(
            campaign=campaign, org=org, person_hash=f"p{worker.pk}-{campaign.pk}",
            name=worker.name, worker=worker, file=file,
        )  # fmt: skip

    b1 = ben(c1, w[0], cy_street, file)  # paid 1,000 in Jan (with file)
    b2 = ben(c1, w[1], cy_street)  # goods worth 300 in Jan
    b3 = ben(c1, w[2], cy_street)  # payment failed: not reached
    b4 = ben(c2, w[3], hd_street)  # paid 4,000 in Sep
    Payment.objects.create(
        beneficiary=b1, method="card", amount=Decimal("1000"), reconciliation_id="R1",
        status="paid", paid_on=datetime.date(Y, 1, 20),
    )  # fmt: skip
    Payment.objects.create(
        beneficiary=b3, method="card", amount=Decimal("1000"), reconciliation_id="R3",
        status="failed",
    )  # fmt: skip
    Payment.objects.create(
        beneficiary=b4, method="card", amount=Decimal("4000"), reconciliation_id="R4",
        status="paid", paid_on=datetime.date(Y, 9, 1),
    )  # fmt: skip
    GoodsDelivery.objects.create(
        campaign=c1, org=cy_street, beneficiary=b2, value=Decimal("300"),
        delivered_on=datetime.date(Y, 1, 22),
    )  # fmt: skip
    # visits: CY visits enterprise A twice (Jan, Feb) and B once; HD visits A
    for org, code, m, people, money in (
        (cy, "91110105MA00000001", 1, 30, "3000"),
        (cy, "91110105MA00000001", 2, 20, "0"),
        (cy_street, "91110105MA00000002", 2, 5, "500"),
        (hd, "91110105MA00000001", 1, 7, "700"),
    ):
        EnterpriseVisit.objects.create(
            campaign=c1 if org != hd else c2, org=org, enterprise_name="企业", credit_code=code,
            visited_on=datetime.date(Y, m, 10), people_visited=people, money=Decimal(money),
            goods_value=Decimal("100"),
        )  # fmt: skip
    # honors: CY has 2 awards in 2025 (Apr, Nov) and 1 revoked; HD 1; one CY award in 2024
    program = make_program(orgs["BJ"], year=Y)
    for org, state, day in (
        (cy_street, HonorState.AWARDED, datetime.date(Y, 4, 1)),
        (cy, HonorState.AWARDED, datetime.date(Y, 11, 1)),
        (cy_street, HonorState.REVOKED, datetime.date(Y, 4, 2)),
        (hd_street, HonorState.AWARDED, datetime.date(Y, 4, 3)),
        (cy_street, HonorState.AWARDED, datetime.date(Y - 1, 4, 1)),
    ):
        make_nomination(program, org, state=state, awarded_on=day)
    return {"appeals": appeals}


# Expected 2025 figures for BJ-CY (and BJ where different), worked out by hand from build().
EXPECTED_CY = {
    "stations_opened_warm": 2,
    "stations_opened_home": 1,
    "stations_open_year_end": 4,  # 2 warm + 1 home + the 2024 one
    "service_projects": 1,
    "service_person_times": 3 + 2 + 10,
    "service_persons": 3,
    "health_checks_done": 2,
    "appeals_received": 4,
    "appeals_closure_rate": 0.75,
    "appeals_resolution_rate": 0.75,  # (1 + 0.5 × 1 partly) / 2 callbacks
    "appeals_satisfaction_rate": 0.5,
    "aid_raised": Decimal("300000"),
    "aid_raised_warmth": Decimal("300000"),
    "aid_raised_schooling": Decimal("0"),
    "aid_disbursed": Decimal("1000") + Decimal("300") + Decimal("3500") + Decimal("300"),
    "enterprises_visited": 2,
    "workers_reached": 30 + 20 + 5 + 2,
    "hardship_workers_aided": 1,
    "hardship_households": 2,  # F1, and F3 closed only in 2026
    "honors_awarded": 2,
}
EXPECTED_BJ = {
    "stations_opened_warm": 3,
    "stations_open_year_end": 4,
    "service_projects": 2,
    "service_person_times": 3 + 2 + 10 + 1 + 4,
    "service_persons": 4,
    "health_checks_done": 3,
    "appeals_received": 5,
    "aid_raised": Decimal("350000"),
    "aid_raised_schooling": Decimal("50000"),
    "aid_disbursed": Decimal("5100") + Decimal("4000") + Decimal("800"),
    "enterprises_visited": 2,
    "workers_reached": 57 + 7 + 1,
    "hardship_workers_aided": 1,
    "honors_awarded": 3,
}
