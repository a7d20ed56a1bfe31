"""Logging in and out and changing one's password. Reset by email is switched off: a person who
forgot their password asks the supervision office (see /users/), as the lock-out page says."""

from django.contrib.auth import views as auth_views
from django.urls import path

from .views import password

urlpatterns = [
    path("login/", auth_views.LoginView.as_view(), name="login"),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("password_change/", password.PasswordChange.as_view(), name="password_change"),
    path("password_change/done/", auth_views.PasswordChangeDoneView.as_view(), name="password_change_done"),
]
