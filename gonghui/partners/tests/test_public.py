"""The public partner pages: active partners by type with what each gave, no personal data;
and the demo loader."""

import pytest

from gonghui.partners.demo import load_partners
from gonghui.partners.models import Contribution, Partner
from gonghui.services.tests.factories import make_project

from .factories import make_contribution, make_partner

pytestmark = pytest.mark.django_db


@pytest.fixture
def world(orgs):
    platform = make_partner(orgs["BJ-CY"], name="某配送平台", type="platform",
                            contact_name="赵联系人", contact_phone="13800001111",
                            description="为骑手提供体检")  # fmt: skip
    fund = make_partner(orgs["BJ-HD"], name="某基金会", type="foundation",
                        contact_name="钱联系人", contact_phone="13900002222")  # fmt: skip
    gone = make_partner(orgs["BJ-HD"], name="已退出单位", status="withdrawn")
    published = make_project(organiser=orgs["BJ-CY"], title="公开项目")
    draft = make_project(organiser=orgs["BJ-CY"], title="草稿项目", status="draft")
    make_contribution(platform, amount="1000", project=published, description="张三个人资料")
    make_contribution(platform, kind="services", amount="500", quantity="5", unit="人次",
                      project=draft)  # fmt: skip
    make_contribution(fund, amount="2000", campaign_ref="2026-金秋助学-BJ")
    make_contribution(gone, amount="99")
    return {"platform": platform, "fund": fund, "gone": gone}


def test_public_list_by_type_with_totals_and_no_personal_data(client, world):
    r = client.get("/partners/")
    assert r.status_code == 200
    html = r.content.decode()
    assert "某配送平台" in html and "某基金会" in html and "已退出单位" not in html
    assert "平台企业" in html and "基金会" in html
    assert "3500" in html  # 1000 + 500 + 2000
    for secret in ["赵联系人", "钱联系人", "13800001111", "138****1111", "13900002222",
                   world["platform"].credit_code, "张三个人资料"]:  # fmt: skip
        assert secret not in html, secret


def test_public_detail_shows_aggregates_and_published_projects_only(client, world):
    html = client.get(f"/partners/{world['platform'].pk}/").content.decode()
    assert "某配送平台" in html and "为骑手提供体检" in html and "公开项目" in html
    assert "草稿项目" not in html and "张三个人资料" not in html
    assert "赵联系人" not in html and "1111" not in html
    assert "2026-金秋助学-BJ" in client.get(f"/partners/{world['fund'].pk}/").content.decode()
    assert client.get(f"/partners/{world['gone'].pk}/").status_code == 404
    assert client.get("/partners/999999/").status_code == 404
    assert client.post("/partners/").status_code == 405


def test_demo_loader_is_idempotent_and_traces_projects(orgs):
    make_project(organiser=orgs["BJ-CY"], title="工会律师法律咨询日")
    assert load_partners() == 5
    assert load_partners() == 0
    assert Partner.objects.count() == 5
    assert set(Partner.objects.values_list("type", flat=True)) == {
        "platform", "soe", "private", "foundation", "charity"
    }  # fmt: skip
    traced = Contribution.objects.filter(project__title="工会律师法律咨询日")
    assert traced.count() == 1
    assert Contribution.objects.exclude(campaign_ref="").count() == 3
