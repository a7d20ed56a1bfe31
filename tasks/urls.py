from django.urls import include, path

from .views import home

urlpatterns = [
    path("", home.home, name="home"),
    path("proposals/", include("tasks.proposal_urls")),
]
