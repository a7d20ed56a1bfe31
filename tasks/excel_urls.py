"""URLs of the Excel pages (namespace ``excel``)."""

from django.urls import path

from .views import excel

app_name = "excel"
urlpatterns = [
    path("import/", excel.import_list, name="import"),
    path("import/<int:pk>/", excel.import_detail, name="import-detail"),
    path("import/<int:pk>/status.json", excel.import_status, name="import-status"),
    path("import/<int:pk>/commit/", excel.import_commit, name="import-commit"),
    path("import/<int:pk>/options/", excel.import_options, name="import-options"),
    path("export/", excel.export_page, name="export"),
    path("export/breakdown.xlsx", excel.export_breakdown, name="export-breakdown"),
    path("export/units/<int:unit_pk>/status.xlsx", excel.export_unit_status, name="export-unit-status"),
]
