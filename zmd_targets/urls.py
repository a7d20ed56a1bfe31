from django.contrib import admin
from django.templatetags.static import static
from django.urls import include, path
from django.utils.translation import gettext_lazy as _
from django.views.generic import RedirectView

admin.site.site_header = _("Zhumadian Target Responsibility System")
admin.site.site_title = _("Target system admin")

urlpatterns = [
    # Browsers ask for /favicon.ico before reading any page (and for pages that are not HTML).
    path("favicon.ico", RedirectView.as_view(url=static("favicon.svg"), permanent=True)),
    path("accounts/", include("django.contrib.auth.urls")),
    path("i18n/", include("django.conf.urls.i18n")),
    path("admin/", admin.site.urls),
    path("", include("tasks.urls")),
    path("", include("accountability.urls")),
]
