"""API v1 (django-ninja): OpenAPI at /api/openapi.json, Swagger UI at /api/docs (served locally)."""

from __future__ import annotations

from ninja import NinjaAPI

from anjian.accidents.api import router as accidents_router
from anjian.accounts.api import auth_methods, install_error_handlers
from anjian.accounts.api import router as accounts_router
from anjian.campaigns.api import router as campaigns_router
from anjian.enforcement.api import router as enforcement_router
from anjian.hazards.api import router as hazards_router
from anjian.inspections.api import router as inspections_router
from anjian.outreach.api import router as outreach_router
from anjian.patrols.api import router as patrols_router
from anjian.plans.api import annual_router
from anjian.plans.api import router as plans_router
from anjian.regions.api import router as regions_router
from anjian.reporting.api import router as reporting_router
from anjian.stats.api import router as stats_router
from anjian.units.api import router as units_router

api = NinjaAPI(
    title="anjian 安监 API",
    version="1",
    description="安全生产监管与隐患排查治理平台 API。会话登录或 `Authorization: Bearer <令牌>`。",
    auth=auth_methods(),
    urls_namespace="api",
)
install_error_handlers(api)
api.add_router("/v1/", accounts_router)
api.add_router("/v1/divisions", regions_router)
api.add_router("/v1/units", units_router)
api.add_router("/v1/hazards", hazards_router)
api.add_router("/v1/inspections", inspections_router)
api.add_router("/v1/enforcement", enforcement_router)
api.add_router("/v1/accidents", accidents_router)
api.add_router("/v1/outreach", outreach_router)
api.add_router("/v1/campaigns", campaigns_router)
api.add_router("/v1/stats", stats_router)
api.add_router("/v1/patrols", patrols_router)
api.add_router("/v1/draws", plans_router)
api.add_router("/v1/reporting", reporting_router)
api.add_router("/v1/annual-plans", annual_router)
