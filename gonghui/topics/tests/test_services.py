"""build_topics on real appeals, the change against the month before, adoption, the volume
afterwards with the same matcher, state moves, and scope."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import Http404
from django.utils import timezone

from gonghui.core.errors import Conflict
from gonghui.hotline.tests.factories import make_operator
from gonghui.people.tests.factories import make_staff
from gonghui.topics import selectors, services
from gonghui.topics.models import MonthlyProblem, ProblemStatus, Topic

from . import planted
from .factories import MONTH, put

pytestmark = pytest.mark.django_db


def test_the_month_is_grouped_ranked_and_compared(month):
    assert month == {"appeals": 15, "topics": 2}
    first, second = Topic.objects.filter(month=MONTH).order_by("rank")
    assert (first.size, second.size) == (8, 4)
    assert "农民工" in first.key_terms and first.title.startswith("欠薪")
    assert first.previous_volume == 4 and first.volume == 8  # the matcher on both months
    assert second.previous_volume == 0


def test_scope_counts_only_the_viewers_appeals(month, cy_handler, hd_handler):
    cy = selectors.month_topics(cy_handler, MONTH)
    assert [(t.in_size, t.in_previous) for t in cy] == [(6, 4)]  # restaurant topic hidden
    hd = selectors.month_topics(hd_handler, MONTH)
    assert [t.in_size for t in hd] == [4, 2]  # 海淀's own ranking
    assert hd[0].scoped_rank == 1 and "服务员" in hd[0].key_terms
    assert selectors.get_visible_topic(cy_handler, hd[0].pk) is None


def test_recomputing_keeps_adopted_topics_and_replaces_the_rest(month, orgs):
    admin = make_staff("bj_admin", orgs["BJ"], "admin")
    topic = Topic.objects.get(month=MONTH, rank=1)
    services.adopt(user=admin, topic_id=topic.pk, data=_adoption())
    other = Topic.objects.get(month=MONTH, rank=2)
    assert services.build_topics(MONTH) == {"appeals": 15, "topics": 1}
    assert Topic.objects.filter(pk=topic.pk).exists()  # the adopted topic is kept …
    assert not Topic.objects.filter(pk=other.pk).exists()  # … the other one replaced,
    assert Topic.objects.filter(month=MONTH).count() == 2  # and not added twice


def _adoption(**over):
    data = {
        "title": "根治工地欠薪", "problem": "工地拖欠农民工工资集中反映",
        "lead_org": "BJ", "deadline": (timezone.localdate() + datetime.timedelta(days=60)),
        "measures": [{"text": "排查在建项目", "owner": "劳动法律监督部", "due": "2026-12-31"}],
    }  # fmt: skip
    data.update(over)
    return data


def test_adoption_validates_and_the_volume_follows_the_topic(month, orgs):
    admin = make_staff("bj_admin", orgs["BJ"], "admin")
    topic = Topic.objects.get(month=MONTH, rank=1)
    with pytest.raises(ValidationError) as exc:
        services.adopt(user=admin, topic_id=topic.pk,
                       data=_adoption(title="", lead_org="不存在的工会", deadline="2020-01-01",
                                      measures=[{"text": ""}]))  # fmt: skip
    assert set(exc.value.message_dict) == {"title", "lead_org", "deadline", "measures"}
    item = services.adopt(user=admin, topic_id=topic.pk, data=_adoption())
    assert item.measures.count() == 1 and item.owner == admin
    with pytest.raises(Conflict):
        services.adopt(user=admin, topic_id=topic.pk, data=_adoption())
    # April: two more appeals on the topic (same matcher), one off it
    op = make_operator(orgs["BJ"], "op_april")
    april = datetime.date(2026, 4, 1)
    for text in planted.texts("construction", 2, seed=11):
        put(op, april, text)
    put(op, april, "饭店拖欠服务员工资")
    rows = selectors.follow_up(admin, item, today=datetime.date(2026, 5, 3))
    assert [(r["month"], r["volume"]) for r in rows] == [
        ("2026-03", 8), ("2026-04", 2), ("2026-05", 0)
    ]  # fmt: skip
    assert rows[1]["change"] == pytest.approx(-0.75)


def test_states_follow_the_table(month, orgs, cy_handler):
    admin = make_staff("bj_admin", orgs["BJ"], "admin")
    topic = Topic.objects.get(month=MONTH, rank=1)
    item = services.adopt(user=admin, topic_id=topic.pk, data=_adoption())
    with pytest.raises(Conflict):
        services.act(user=admin, problem_id=item.pk, action="complete")
    with pytest.raises(PermissionDenied):  # a case handler may read it, not move it
        services.act(user=cy_handler, problem_id=item.pk, action="start")
    services.act(user=admin, problem_id=item.pk, action="start")
    with pytest.raises(ValidationError):
        services.act(user=admin, problem_id=item.pk, action="close")  # needs a note
    done = services.act(user=admin, problem_id=item.pk, action="complete", note="已排查")
    assert done.status == ProblemStatus.COMPLETED and "已排查" in done.notes


def test_adoption_needs_the_topic_in_scope_and_the_permission(month, orgs, cy_handler):
    hd_topic = Topic.objects.get(month=MONTH, rank=2)  # 海淀 only
    cy_admin = make_staff("cy_admin", orgs["BJ-CY"], "admin")
    with pytest.raises(Http404):
        services.adopt(user=cy_admin, topic_id=hd_topic.pk, data=_adoption(lead_org="BJ-CY"))
    cy_topic = Topic.objects.get(month=MONTH, rank=1)
    with pytest.raises(PermissionDenied):
        services.adopt(user=cy_handler, topic_id=cy_topic.pk, data=_adoption(lead_org="BJ-CY"))
    with pytest.raises(ValidationError) as exc:  # the lead org must be in the adopter's scope
        services.adopt(user=cy_admin, topic_id=cy_topic.pk, data=_adoption(lead_org="BJ-HD"))
    assert "lead_org" in exc.value.message_dict
    assert not MonthlyProblem.objects.exists()
