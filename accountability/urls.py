from django.urls import include, path

from .views import checks, letters

letter_patterns = [
    path("", letters.letter_list, name="list"),
    path("prepare/", letters.letter_prepare, name="prepare"),
    path("<int:pk>/", letters.letter_detail, name="detail"),
    path("<int:pk>/letter.xlsx", letters.letter_xlsx, name="xlsx"),
    path("<int:pk>/sign/<str:side>/", letters.letter_sign, name="sign"),
    path("<int:pk>/changes/new/", letters.change_request_new, name="change-new"),
    path("changes/<int:pk>/decide/", letters.change_request_decide, name="change-decide"),
]

urlpatterns: list = [
    path("assignments/<int:pk>/checks/new/", checks.check_create, name="check_create"),
    path("letters/", include((letter_patterns, "letters"))),
    path("", include("accountability.scoring_urls")),
    path("public/", include("accountability.public_urls")),
]
