from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

from accounts.views import profile

admin.site.site_header = _("Zhumadian Target Responsibility System")
admin.site.site_title = _("Target system admin")

urlpatterns = [
    # Browsers ask for /favicon.ico before reading any page (and for pages that are not HTML).
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    # Login, logout, password change; no reset by email (the office resets passwords at /users/).
    path("accounts/", include("accounts.auth_urls")),
    # Django's language switch, which for a logged-in person also keeps the choice on the profile.
    path("i18n/setlang/", profile.set_language, name="set_language"),
    path("profile/", profile.profile, name="profile"),
    path("admin/", admin.site.urls),
    # The REST API (/api/v1/), its schema and docs, and the profile's token buttons.
    path("api/", include("api.urls")),
    # /healthz and /metrics (ops/): no login, nothing personal.
    path("", include("ops.urls")),
    path("", include("tasks.urls")),
    path("", include("accountability.urls")),
    path("", include("accounts.urls")),
]
