"""Pages of the web app."""

from django.urls import path

from tongban.web import views

app_name = "web"
urlpatterns = [path("", views.home, name="home")]
