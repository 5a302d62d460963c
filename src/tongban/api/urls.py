"""The API v1 instance: routers of every app, error handling, the OpenAPI document."""

from typing import Any

from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI
from ninja.openapi.schema import OpenAPISchema

from tongban.accounts.api import router as accounts_router
from tongban.api.contract import errors_documented
from tongban.api.errors import install
from tongban.cases.api import router as cases_router
from tongban.catalog.api import router as catalog_router
from tongban.notifications.api import router as notifications_router
from tongban.workdays.api import router as workdays_router


class TongbanAPI(NinjaAPI):
    """The API whose OpenAPI document also says how each operation refuses."""

    def get_openapi_schema(
        self,
        *,
        path_prefix: str | None = None,
        path_params: dict[str, Any] | None = None,
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(
            path_prefix=path_prefix, path_params=path_params
        )
        prefix = path_prefix if path_prefix is not None else self.get_root_path({})
        errors_documented(schema, prefix=prefix)
        return schema


api = TongbanAPI(
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
