"""The public disclosure pages: no login."""

from django.urls import path

from .views import public, public_feedback

app_name = "public"
urlpatterns = [
    path("", public.index, name="index"),
    path("<int:pk>/", public.detail, name="detail"),
    path("<int:pk>/feedback/", public_feedback.feedback, name="feedback"),
    path("<int:pk>/feedback/sent/", public_feedback.feedback_sent, name="feedback_sent"),
]
