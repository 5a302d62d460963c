"""Pages of the web app: the home page, the display settings, the privacy policy and
the user agreement."""

from django.urls import path

from tongban.web import views

app_name = "web"
urlpatterns = [
    path("", views.home, name="home"),
    path("display/large-text/", views.large_text, name="large_text"),
    path("privacy/", views.privacy, name="privacy"),
    path("terms/", views.terms, name="terms"),
]
