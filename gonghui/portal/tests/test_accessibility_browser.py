"""Accessibility and 适老化 of every worker page, in headless Chromium.

For each worker page — anonymous; logged in as a worker with an appeal (and a resolved one to
rate), an enrollment with its check-in QR code, a health-check booking, an aid application, an
honour and messages; as a worker with nothing yet (empty lists, the booking and aid forms); as
a phone without a worker record; and forms sent back with errors — at 320 and 360 px wide, and
once more at 360 px in 长辈模式:

- axe-core (npm, loaded from node_modules) finds no serious or critical violation;
- the page never scrolls sideways;
- every visible control in the header, ``main`` and the tab bar is a big enough tap target
  (the rule is spelled out at ``TAP_TARGETS`` below);

and the station finder still lists stations without JavaScript, and with map tiles blocked.

Nothing here writes audit rows (a transactional test's flush cannot delete them): the worker
is created by the factory, logged in by putting the account into a session, and no personal
data is revealed.
"""

import importlib
import re
from decimal import Decimal

import pytest
from django.apps import apps as django_apps
from django.conf import settings
from django.contrib.sessions.backends.db import SessionStore
from django.utils import timezone
from playwright.sync_api import expect

from gonghui.assistance import services as aid_services
from gonghui.assistance.campaigns import services as campaign_services
from gonghui.assistance.demo import load_reference as load_aid_reference
from gonghui.assistance.tests.campaign_factories import approve, make_campaign, opened, registered
from gonghui.assistance.tests.factories import aid_officer, apply, step
from gonghui.honors.models import State
from gonghui.honors.tests.factories import make_nomination, make_program
from gonghui.hotline import services as hotline_services
from gonghui.hotline.models import Appeal
from gonghui.hotline.models import Category as HotlineCategory
from gonghui.hotline.models import Status as AppealStatus
from gonghui.hotline.taxonomy import load_categories as load_hotline_categories
from gonghui.notices.models import MessageTemplate
from gonghui.notices.selectors import inbox
from gonghui.orgs.demo import load_orgs
from gonghui.partners.tests.factories import make_partner
from gonghui.people import auth
from gonghui.people.consent_texts import CONSENT_TEXT_VERSION
from gonghui.people.models import Consent, ConsentPurpose
from gonghui.people.tests.factories import make_worker
from gonghui.people.worker_session import SESSION_KEY
from gonghui.services import enrollment as seats
from gonghui.services.health import services as health
from gonghui.services.health.demo import seed_health_demo
from gonghui.services.models import Category as ServiceCategory
from gonghui.services.reference import load_categories as load_service_categories
from gonghui.services.tests.factories import make_project, make_session
from gonghui.stations.models import Amenity, StationType
from gonghui.stations.reference import load_reference as load_station_reference
from gonghui.stations.tests.factories import WANGJING, make_station

pytestmark = pytest.mark.browser

PHONE = "13812340088"
NEWCOMER = "13700008899"  # a phone without a worker record
FRESH = "13912340077"  # a worker with a record and nothing done yet (empty lists, the forms)
AXE = settings.BASE_DIR / "node_modules/axe-core/axe.min.js"
TILES = "http://127.0.0.1:9/{z}/{x}/{y}.png"  # never the internet from tests; blocked anyway
TILE_URL = re.compile(r"/\d+/\d+/\d+\.png$")
LONG = "北京市朝阳区望京街道阜通东大街六号院望京SOHO塔三B座地下一层新就业形态劳动者暖心驿站"

# Tap targets (WCAG 2.2 2.5.5 "Target Size (Enhanced)", 44 × 44 CSS px, which also satisfies
# 2.5.8's 24 px minimum). Every visible a[href], button, non-hidden input, select, textarea and
# summary inside the header, main and the tab bar must render at least 44 px high and 44 px
# wide, with WCAG's own exceptions made explicit:
# - Inline: a link that is part of a sentence (an inline link with running text right beside
#   it, e.g. "暂无诉求。<a>我要反映</a>") is sized by the line of text — WCAG's "Inline"
#   exception. A link alone in its paragraph, a title link or a "back" link is not inline text.
# - Equivalent/label: a checkbox or radio button counts with its <label> (tapping the label
#   toggles it), so the label's box is measured instead of the 20 px box itself.
# - Off-screen skip links and controls not rendered (collapsed <details>, [hidden]) are not
#   targets.
TAP_TARGETS = """
() => {
  const MIN = 44;
  const sel = 'a[href], button, input:not([type=hidden]), select, textarea, summary';
  const roots = document.querySelectorAll('header.wk-top, main, nav.wk-tabs');
  const describe = (el) => el.tagName.toLowerCase() + (el.id ? '#' + el.id : '') +
    (typeof el.className === 'string' && el.className ? '.' + el.className.trim() : '') +
    ' "' + (el.innerText || el.value || el.getAttribute('aria-label') || '').trim()
      .slice(0, 20) + '"';
  const textBeside = (el, dir) => {
    let node = el[dir];
    while (node && node.nodeType === Node.TEXT_NODE && !node.textContent.trim()) node = node[dir];
    return !!node && node.nodeType === Node.TEXT_NODE;
  };
  const inSentence = (el) => el.tagName === 'A' &&
    getComputedStyle(el).display.startsWith('inline') &&
    (textBeside(el, 'previousSibling') || textBeside(el, 'nextSibling'));
  const bad = [];
  for (const root of roots) {
    for (const el of root.querySelectorAll(sel)) {
      let box = el.getBoundingClientRect();
      const style = getComputedStyle(el);
      if (box.width === 0 || box.height === 0 || style.visibility === 'hidden') continue;
      if (inSentence(el)) continue;
      if (el.type === 'checkbox' || el.type === 'radio') {
        const label = el.closest('label') ||
          (el.id && document.querySelector(`label[for="${el.id}"]`));
        if (label) box = label.getBoundingClientRect();
      }
      if (box.height < MIN - 0.5 || box.width < MIN - 0.5) {
        bad.push(`${describe(el)} ${Math.round(box.width)}x${Math.round(box.height)}`);
      }
    }
  }
  return bad;
}
"""

# What sticks out past the right edge (named in the message when a page scrolls sideways).
WIDE = """
() => [...document.querySelectorAll('body *')]
  .filter(e => e.getBoundingClientRect().right > window.innerWidth + 1)
  .slice(0, 8).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') +
    (typeof e.className === 'string' && e.className ? '.' + e.className.split(' ').join('.') : ''))
"""

AXE_RUN = """
() => axe.run(document, {resultTypes: ['violations']}).then(r => r.violations
  .filter(v => v.impact === 'serious' || v.impact === 'critical')
  .map(v => v.id + ' (' + v.impact + '): ' + v.nodes.slice(0, 4)
    .map(n => n.target.join(' ')).join(', ')))
"""


def _seed_message_templates():
    """The seeded templates (a transactional flush removed the migration's rows)."""
    if not MessageTemplate.objects.exists():
        migration = importlib.import_module("gonghui.notices.migrations.0002_seed_templates")
        migration.seed(django_apps, None)


@pytest.fixture
def world(live_server, transactional_db, settings):
    """A worker with one of everything, plus public content (stations, projects, partners,
    an honour roll). Returns the base URL and the paths to visit."""
    settings.MAP_TILE_URL = TILES
    orgs = load_orgs()
    load_hotline_categories(HotlineCategory)
    load_service_categories(ServiceCategory)
    load_station_reference(StationType, Amenity)
    load_aid_reference()
    _seed_message_templates()

    worker = make_worker(orgs["BJ-CY-WJ-001"], name="王无障碍", phone=PHONE)
    account = auth.sign_in_worker(PHONE)
    make_worker(orgs["BJ-HD-ZGC-001"], name="李新手", phone=FRESH)
    fresh = auth.sign_in_worker(FRESH)
    # Consents as rows (granting through privacy.grant_consent writes audit rows, which the
    # transactional flush cannot delete): online aid and health need them.
    for who in (account, fresh):
        for purpose in ConsentPurpose.values:
            Consent.objects.create(
                account=who,
                purpose=purpose,
                text_version=CONSENT_TEXT_VERSION,
                granted_at=timezone.now(),
            )
    newcomer = auth.sign_in_worker(NEWCOMER)

    station = make_station(
        org=orgs["BJ-CY-WJ"],
        name=LONG,
        address=LONG,
        lat=WANGJING[0],
        lng=WANGJING[1],
        amenities=["toilet", "hot_water"],
        contact_phone="010-12345678",
    )
    make_station(org=orgs["BJ-CY"], name="望京驿站", lat=WANGJING[0] + 0.01, lng=WANGJING[1])

    appeal, _created = hotline_services.create_appeal(
        actor=None,
        data={
            "type": "complaint",
            "category": "LABOR-WAGE",
            "district": "BJ-CY",
            "content": "外卖站点拖欠工资两个月，" + LONG,
            "contact_name": "",
            "contact_phone": PHONE,
        },
        worker_account=account,
    )

    resolved, _created = hotline_services.create_appeal(
        actor=None,
        data={
            "type": "help",
            "category": "LABOR-WAGE",
            "district": "BJ-CY",
            "content": "工伤认定咨询",
            "contact_name": "王师傅",
            "contact_phone": PHONE,
        },
        worker_account=account,
    )
    # 办结 as a row (the staff steps are tested in hotline): the page then offers the rating
    Appeal.objects.filter(pk=resolved.pk).update(
        status=AppealStatus.RESOLVED, resolved_at=timezone.now()
    )

    project = make_project(organiser=orgs["BJ-CY"], title="职工心理健康讲座" + LONG[:12])
    session = make_session(project, title="周六上午场", place=LONG)
    enrollment = seats.enroll(worker=worker, session_id=session.pk)
    make_project(organiser=orgs["BJ"], title="会员专享体检", members_only=True)

    today = timezone.localdate()
    program = seed_health_demo(year=today.year, today=today, with_staff=False)
    first_day = program.days.filter(date__gt=today).order_by("date").first()
    booking = health.book(worker=worker, day_id=first_day.pk)

    application = aid_services.submit_entry(
        worker=worker,
        account=account,
        data={
            "annual_income": Decimal("24000"),
            "expenses": {},
            "causes": ["illness"],
            "members": [],
        },
    )

    roll = make_program(orgs["BJ"], title="最美快递员", year=today.year)
    make_nomination(roll, orgs["BJ-CY"], worker=worker, state=State.AWARDED)
    partner = make_partner(orgs["BJ-CY"], name="北京暖心物流有限公司")

    message = inbox(account).last()
    assert message is not None, "creating the appeal sends the worker a message"

    # the public 公示 pages: a campaign's published list and an objection to a person on it, and
    # a hardship application in 公示 with its objection form
    hd = aid_officer(orgs["BJ-HD"], "a11y_hd_aid")
    registered(make_worker(orgs["BJ-HD-ZGC-001"], name="孙公示" + LONG[:6]), hd)
    campaign = opened(make_campaign(hd, orgs["BJ-HD"], requires_publicity=True, title=LONG), hd)
    campaign_services.generate_list(user=hd, campaign_id=campaign.pk, org_code="BJ-HD")
    approve(campaign, aid_officer(orgs["BJ"], "a11y_city_aid"))
    listed = campaign.beneficiaries.order_by("id").first()
    in_publicity = apply(make_worker(orgs["BJ-HD-ZGC-001"], name="赵公示"), hd, income="12000")
    for action in ("verify", "approve"):
        step(in_publicity, hd, action)

    anonymous = [
        "/",
        "/hub/",
        "/login/",
        "/offline/",
        "/h5/lookup/",
        "/h5/appeals/new/",
        "/stations/",
        "/stations/?district=BJ-CY",
        f"/stations/{station.pk}/",
        f"/stations/c/{station.qr_token}/",
        "/stations/c/not-a-code/",
        "/services/",
        f"/services/{project.pk}/",
        "/services/checkin/not-a-code/",
        "/partners/",
        f"/partners/{partner.pk}/",
        "/honors/",
        "/assistance/notice/",
        f"/assistance/notice/campaigns/{campaign.pk}/",
        f"/assistance/notice/campaigns/people/{listed.pk}/objection/",
        f"/assistance/notice/applications/{in_publicity.pk}/objection/",
    ]
    mine = [
        "/",
        "/me/",
        "/h5/",
        f"/h5/appeals/{appeal.pk}/",
        f"/h5/appeals/{resolved.pk}/",
        "/h5/appeals/new/",
        "/services/",
        f"/services/{project.pk}/",
        "/services/mine/",
        f"/services/mine/{enrollment.pk}/",
        "/services/health/",
        f"/services/health/bookings/{booking.pk}/",
        "/assistance/",
        f"/assistance/applications/{application.pk}/",
        "/me/messages/",
        f"/me/messages/{message.pk}/",
        "/me/messages/settings/",
        "/me/register/",
    ]
    newcomer_pages = ["/me/", "/me/register/", "/services/health/", "/assistance/apply/"]
    fresh_pages = [
        "/me/",
        "/h5/",
        "/services/mine/",
        "/services/health/",
        "/services/health/book/",
        "/assistance/",
        "/assistance/apply/",
        "/me/messages/",
    ]
    # 个人信息 pages, when they exist (another part of the app adds them)
    privacy = [p for p in ("/me/privacy/", "/me/privacy/deletion/") if _exists(p)]
    return {
        "base": live_server.url,
        "sessions": {
            "worker": _session_key(account.pk),
            "newcomer": _session_key(newcomer.pk),
            "fresh": _session_key(fresh.pk),
        },
        # forms whose address holds an id of this world, sent empty (the text is required)
        "invalid": {
            "anonymous": [
                (f"/assistance/notice/campaigns/people/{listed.pk}/objection/", {}),
                (f"/assistance/notice/applications/{in_publicity.pk}/objection/", {}),
            ]
        },
        "pages": {
            "anonymous": anonymous,
            "worker": mine + privacy,
            "newcomer": newcomer_pages,
            "fresh": fresh_pages + privacy,
        },
    }


def _exists(path: str) -> bool:
    from django.urls import Resolver404, resolve

    try:
        resolve(path)
    except Resolver404:
        return False
    return True


def _session_key(account_pk: int) -> str:
    store = SessionStore()
    store[SESSION_KEY] = account_pk
    store.create()
    return store.session_key


# Forms sent with invalid input (nothing is saved): the pages with their error messages.
INVALID_FORMS = {
    "anonymous": [
        ("/login/", {"#phone": "12"}),
        ("/h5/lookup/", {}),
        ("/h5/appeals/new/", {"#contact_phone": "123"}),
    ],
    "newcomer": [("/me/register/", {})],
}


def _open(page, base: str, path: str, fields: dict | None) -> str:
    """Open ``path``, or send its form with ``fields`` (invalid input); what went wrong, if
    anything that stops the checks."""
    if fields is None:
        response = page.goto(base + path)
        if response is None or response.status >= 500:
            return f"HTTP {response.status if response else '?'}"
        if path.startswith("/stations/?"):
            page.wait_for_load_state("networkidle")  # the finder's map (tiles blocked) settled
        return ""
    page.goto(base + path)
    for selector, value in fields.items():
        page.fill(selector, value)
    with page.expect_navigation() as navigation:
        page.locator("main button[type=submit]").last.click()
    if navigation.value.status >= 500:
        return f"HTTP {navigation.value.status}"
    if page.locator("main .error, main [role=alert]").count() == 0:
        return "no error message shown"
    return ""


def _check_page(page, base: str, path: str, fields: dict | None = None) -> list[str]:
    """Everything wrong with one page, as lines for the assertion message."""
    if fields is not None:
        path = f"{path} (sent with invalid input)"
    failed = _open(page, base, path.split(" ")[0], fields)
    if failed:
        return [f"{path}: {failed}"]
    problems = []
    if page.url.startswith(base + "/login/") and not path.startswith("/login/"):
        problems.append(f"{path}: sent to the login (not logged in?)")
    if not page.evaluate("document.documentElement.scrollWidth <= window.innerWidth"):
        problems.append(f"{path}: scrolls sideways, too wide: {page.evaluate(WIDE)}")
    for target in page.evaluate(TAP_TARGETS):
        problems.append(f"{path}: small tap target {target}")
    for violation in page.evaluate(AXE_RUN):
        problems.append(f"{path}: axe {violation}")
    return problems


def _context(browser, base: str, width: int, *, elder=False):
    context = browser.new_context(
        viewport={"width": width, "height": 720},
        locale="zh-CN",
        has_touch=True,
        service_workers="block",  # pages straight from the server, not a cache
    )
    context.set_default_timeout(10_000)
    context.route(TILE_URL, lambda route: route.abort())
    context.add_init_script(path=str(AXE))  # axe-core in every page, sent to the browser once
    if elder:
        context.add_cookies([{"name": "gh_elder", "value": "1", "url": base}])
    return context


def _visit_all(browser, world, width: int, *, elder=False) -> list[str]:
    base = world["base"]
    context = _context(browser, base, width, elder=elder)
    problems = []
    try:
        page = context.new_page()
        for who in ("anonymous", "worker", "newcomer", "fresh"):
            context.clear_cookies(name=settings.SESSION_COOKIE_NAME)
            if who != "anonymous":
                context.add_cookies(
                    [
                        {
                            "name": settings.SESSION_COOKIE_NAME,
                            "value": world["sessions"][who],
                            "url": base,
                        }
                    ]
                )
            for path in world["pages"][who]:
                problems += [f"[{who}] {p}" for p in _check_page(page, base, path)]
            for path, fields in INVALID_FORMS.get(who, []) + world["invalid"].get(who, []):
                problems += [f"[{who}] {p}" for p in _check_page(page, base, path, fields)]
        if elder:
            assert page.evaluate("document.body.classList.contains('elder')")
    finally:
        context.close()
    return problems


@pytest.mark.parametrize(
    "width, elder", [(320, False), (360, False), (360, True)], ids=["320", "360", "360-elder"]
)
def test_every_worker_page_is_accessible_and_fits(browser, world, width, elder):
    problems = _visit_all(browser, world, width, elder=elder)
    assert not problems, f"{len(problems)} problems at {width}px:\n" + "\n".join(problems)


def _blocker(seen: list):
    def block(route):
        seen.append(route.request.url)
        route.abort()

    return block


def test_station_finder_is_a_list_without_javascript_or_map_tiles(browser, world):
    base = world["base"]
    for javascript in (False, True):
        context = browser.new_context(
            viewport={"width": 320, "height": 720},
            locale="zh-CN",
            java_script_enabled=javascript,
            service_workers="block",
        )
        tiles = []
        context.route(TILE_URL, _blocker(tiles))  # {z}/{x}/{y}.png from any tile server
        try:
            page = context.new_page()
            page.goto(f"{base}/stations/?district=BJ-CY")
            items = page.locator("#results > li")
            expect(items).to_have_count(2)
            expect(page.locator("#results")).to_be_visible()
            expect(items.first).to_contain_text("驿站")
            assert page.evaluate("document.querySelector('#results').tagName") == "OL"
            assert page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
            # the list is the page: a link per station to its details, map or no map
            assert items.first.locator("a[href^='/stations/']").count() >= 1
            if javascript:  # the map tried its tiles, got none, says so; the list stays
                expect(page.locator("#map-note")).to_be_visible()
                assert tiles, "the map asked for tiles"
                expect(items).to_have_count(2)
            else:
                expect(page.locator("#map")).to_be_hidden()
                assert not tiles
        finally:
            context.close()
