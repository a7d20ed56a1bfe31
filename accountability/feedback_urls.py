"""The office's queue of the public's comments and clues: /public-feedback/…"""

from django.urls import path

from .views import feedback_office

app_name = "public_feedback"
urlpatterns = [
    path("", feedback_office.queue, name="queue"),
    path("settings/", feedback_office.settings_page, name="settings"),
    path("<int:pk>/", feedback_office.detail, name="detail"),
    path("<int:pk>/answer/", feedback_office.answer, name="answer"),
    path("<int:pk>/dismiss/", feedback_office.dismiss, name="dismiss"),
    path("<int:pk>/notice/", feedback_office.to_notice, name="notice"),
    path("<int:pk>/photo/", feedback_office.photo, name="photo"),
]
