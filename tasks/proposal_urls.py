"""URLs of the proposal pages (建议提案)."""

from django.urls import path

from .views import proposals

app_name = "proposals"
urlpatterns = [
    path("", proposals.proposal_list, name="list"),
    path("register/<int:target_id>/", proposals.proposal_register, name="register"),
    path("<int:pk>/", proposals.proposal_detail, name="detail"),
    path("<int:pk>/<slug:action>/", proposals.proposal_action, name="action"),
    path("replies/<int:reply_id>/view/", proposals.record_view, name="record-view"),
]
