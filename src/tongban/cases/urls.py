from django.urls import path

from tongban.cases import views

app_name = "cases"
urlpatterns = [
    path("apply/<str:code>/", views.apply, name="apply"),
    path("cases/", views.case_list, name="list"),
    path("cases/<str:number>/", views.case_detail, name="detail"),
    path("cases/<str:number>/check/", views.case_check, name="check"),
    path(
        "cases/<str:number>/materials/<int:material_id>/",
        views.material_file,
        name="material",
    ),
    path(
        "cases/<str:number>/materials/<int:material_id>/view/",
        views.material_view,
        name="material_view",
    ),
    path(
        "cases/<str:number>/documents/<str:document_number>/view/",
        views.document_view,
        name="document_view",
    ),
    path(
        "cases/<str:number>/documents/<str:document_number>.pdf",
        views.document_file,
        name="document",
    ),
    path("workbench/", views.workbench, name="workbench"),
    path("supervision/", views.supervision, name="supervision"),
    path("workbench/<str:number>/", views.workbench_case, name="workbench_case"),
]
