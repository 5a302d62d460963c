"""URL map: pages in Chinese at / and English under /en/; the API, health and admin unprefixed."""

from django.conf import settings
from django.conf.urls.i18n import i18n_patterns
from django.contrib import admin
from django.urls import include, path, re_path

from tongban.api.errors import api_not_found
from tongban.api.urls import api
from tongban.web.health import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("api/v1/", api.urls),
    re_path(r"^api/(?P<path>.*)$", api_not_found),
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
]
if getattr(settings, "TONGBAN_BENCH", False):
    # start-up: the baselines are loaded only where they are mounted (never in production)
    from tongban.benchmarks import bare_insert, upload_floor

    urlpatterns.append(path("bench/bare-insert", bare_insert))
    urlpatterns.append(path("bench/upload-floor", upload_floor))

urlpatterns += i18n_patterns(
    path("", include("tongban.web.urls")),
    path("", include("tongban.catalog.urls")),
    path("workdays/", include("tongban.workdays.urls")),
    path("accounts/", include("tongban.accounts.urls")),
    path("", include("tongban.cases.urls")),
    prefix_default_language=False,
)
