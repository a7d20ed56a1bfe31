from django.urls import include, path

urlpatterns: list = [
    path("", include("accountability.scoring_urls")),
    path("public/", include("accountability.public_urls")),
]
