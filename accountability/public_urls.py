"""The public disclosure pages: no login."""

from django.urls import path

from .views import public

app_name = "public"
urlpatterns = [
    path("", public.index, name="index"),
    path("<int:pk>/", public.detail, name="detail"),
]
