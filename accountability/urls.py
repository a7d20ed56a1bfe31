from django.urls import path

from .views import checks

urlpatterns: list = [
    path("assignments/<int:pk>/checks/new/", checks.check_create, name="check_create"),
]
