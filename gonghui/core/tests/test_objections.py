"""The 公示 objections of every app (hardship applications, campaign lists, award nominations)
are one abstract model, ``core.objections.PublicityObjection``: the same fields, statuses and
ordering, decided by the same steps."""

from gonghui.assistance.models import CampaignObjection
from gonghui.assistance.models import Objection as HardshipObjection
from gonghui.core.objections import ObjectionStatus, PublicityObjection
from gonghui.honors.models import Objection as NominationObjection

SHARED = {f.name for f in PublicityObjection._meta.get_fields()}


def test_every_objection_model_extends_the_one_base():
    assert {"content", "raised_by", "status", "resolution", "resolved_by"} <= SHARED
    for model in (HardshipObjection, CampaignObjection, NominationObjection):
        assert issubclass(model, PublicityObjection)
        assert {f.name for f in model._meta.get_fields()} >= SHARED
        assert model._meta.ordering == ["created_at", "id"]
        assert model._meta.get_field("status").default == ObjectionStatus.OPEN
