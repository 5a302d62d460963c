"""Pages of the web app: the home page and the display settings."""

from django.urls import path

from tongban.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("display/large-text/", views.large_text, name="large_text"),
]
