"""Pages of the catalogue."""

from django.urls import path

from tongban.catalog import views

app_name = "catalog"
urlpatterns = [
    path("services/", views.search, name="search"),
    path("services/<str:code>/", views.guide, name="guide"),
    path("departments/", views.departments, name="departments"),
    path("departments/<str:code>/", views.department, name="department"),
    path("windows/<str:key>/", views.window, name="window"),
    path("bundles/<str:key>/", views.bundle, name="bundle"),
]
