"""The office's pages for logins (/users/), the login log (/users/logins/) and the audit search (/audit/)."""

from django.urls import path

from .views import audit, logins, users

app_name = "accounts"

urlpatterns = [
    path("users/", users.user_list, name="user_list"),
    path("users/new/", users.user_create, name="user_create"),
    path("users/logins/", logins.login_log, name="login_log"),
    path("users/<int:pk>/", users.user_detail, name="user_detail"),
    path("users/<int:pk>/active/", users.user_set_active, name="user_set_active"),
    path("users/<int:pk>/password/", users.user_reset_password, name="user_reset_password"),
    path("users/roles/<int:pk>/handover/", users.role_handover, name="role_handover"),
    path("audit/", audit.audit_search, name="audit"),
]
