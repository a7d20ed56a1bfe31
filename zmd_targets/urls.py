from django.contrib import admin
from django.http import HttpResponsePermanentRedirect
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _

admin.site.site_header = _("Zhumadian Target Responsibility System")
admin.site.site_title = _("Target system admin")

urlpatterns = [
    # Browsers ask for /favicon.ico before reading any page (and for pages that are not HTML).
    path("favicon.ico", lambda request: HttpResponsePermanentRedirect(static("favicon.svg"))),
    # Login, logout, password change; no reset by email (the office resets passwords at /users/).
    path("accounts/", include("accounts.auth_urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("tasks.urls")),
    path("", include("accountability.urls")),
    path("", include("accounts.urls")),
]
