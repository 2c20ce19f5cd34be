"""The one JSON API, mounted at ``/api/``: core's ``GonghuiAPI`` (error format, parser, schema)
with people's authentication as the default and every app's router. Assembled here, above the
apps, so that ``core`` knows none of them."""

from gonghui.assistance.api import router as assistance_router
from gonghui.assistance.campaigns.api import router as campaigns_router
from gonghui.core.api import GonghuiAPI
from gonghui.governance.api import router as governance_router
from gonghui.honors.api import router as honors_router
from gonghui.hotline.api import router as hotline_router
from gonghui.notices.api import router as notices_router
from gonghui.orgs.api import router as orgs_router
from gonghui.partners.api import router as partners_router
from gonghui.people.api import auth_router, me_router, workers_router
from gonghui.people.api_auth import ConsoleSessionAuth, TokenAuth
from gonghui.plans.api import router as plans_router
from gonghui.reports.api import router as reports_router
from gonghui.services.api import router as services_router
from gonghui.services.health.api import router as health_router
from gonghui.socialwork.api import router as socialwork_router
from gonghui.stations.api import router as stations_router
from gonghui.topics.api import router as topics_router

api = GonghuiAPI(
    title="Gonghui 工会职工服务平台 API",
    version="1",
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=[TokenAuth(), ConsoleSessionAuth()],
)

# The station finder first: Django tries the URL patterns in order, and its nearest-station
# search is the busiest public path (issue 14); no other router's paths start the same way.
api.add_router("/v1/stations", stations_router)
api.add_router("/v1/auth", auth_router)
api.add_router("/v1", me_router)
api.add_router("/v1/me", notices_router)
api.add_router("/v1/workers", workers_router)
api.add_router("/v1/orgs", orgs_router)
api.add_router("/v1/hotline", hotline_router)
api.add_router("/v1/services", services_router)
api.add_router("/v1/health", health_router)
api.add_router("/v1/assistance", assistance_router)
api.add_router("/v1/campaigns", campaigns_router)
api.add_router("/v1/partners", partners_router)
api.add_router("/v1/honors", honors_router)
api.add_router("/v1/plans", plans_router)
api.add_router("/v1/reports", reports_router)
api.add_router("/v1/governance", governance_router)
api.add_router("/v1/topics", topics_router)
api.add_router("/v1/socialwork", socialwork_router)
