"""Two concurrent entry applications for households sharing a member: exactly one file, the
other flagged with where it is (the partial unique index on live members, PostgreSQL)."""

import pytest

from gonghui.assistance import services
from gonghui.assistance.demo import load_reference
from gonghui.assistance.models import DuplicateFlag, HardshipFile, Member
from gonghui.core.testing import postgres_only, run_together
from gonghui.people.tests.factories import make_worker

from .factories import aid_officer, figures, member


@postgres_only
@pytest.mark.django_db(transaction=True)
def test_concurrent_applications_sharing_a_member_cannot_both_open(orgs):
    load_reference()
    shared = member("共同成员", "parent")
    hd = make_worker(orgs["BJ-HD-ZGC-001"])
    cy = make_worker(orgs["BJ-CY-WJ-001"])
    users = [aid_officer(orgs["BJ-HD"], "hd_aid_c"), aid_officer(orgs["BJ-CY"], "cy_aid_c")]
    workers = [hd, cy]

    def submit(i):
        try:
            services.submit_entry(
                worker=workers[i], user=users[i], data=figures(income="10000", members=[shared])
            )
        except services.DuplicateHousehold as exc:
            return ("duplicate", exc.where()["file"])
        return ("created", None)

    for _round in range(3):
        results = run_together(2, submit)
        assert sorted(r[0] for r in results) == ["created", "duplicate"]
        live = HardshipFile.objects.get(status="applying")
        assert [r[1] for r in results if r[0] == "duplicate"] == [live.number]
        assert Member.objects.filter(live=True, file=live).count() == 2
        assert DuplicateFlag.objects.filter(existing_file=live).count() == 1
        Member.objects.update(live=False)
        HardshipFile.objects.update(status="rejected")
        DuplicateFlag.objects.all().delete()
