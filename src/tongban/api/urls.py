"""The API v1 instance: routers of every app, error handling, the OpenAPI document."""

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI

from tongban.accounts.api import router as accounts_router
from tongban.api.errors import install
from tongban.cases.api import router as cases_router
from tongban.catalog.api import router as catalog_router
from tongban.notifications.api import router as notifications_router
from tongban.workdays.api import router as workdays_router

api = NinjaAPI(
    title="tongban API",
    version="1",
    description=str(
        _('通办一网通办平台的 JSON 接口。错误一律返回 {"code", "message"}。')
    ),
    urls_namespace="api-v1",
)
install(api)
api.add_router("/workdays", workdays_router)
api.add_router("/", accounts_router)
api.add_router("/", cases_router)
api.add_router("/", notifications_router)
api.add_router("/", catalog_router)
