from django.urls import include, path

from .views import inbox, notice_office, notices

# The five lists (五单): /notices/…
notice_urlpatterns = [
    path("", notices.register, name="register"),
    path("inbox/", inbox.inbox, name="inbox"),
    path("inbox/read-all/", inbox.read_all, name="read_all"),
    path("inbox/<int:pk>/", inbox.message, name="message"),
    path("<int:pk>/", notices.detail, name="detail"),
    path("<int:pk>/download/", notices.download, name="download"),
    path("<int:pk>/sign/", notices.sign, name="sign"),
    path("<int:pk>/answer/", notices.answer, name="answer"),
    path("<int:pk>/verify/", notices.verify, name="verify"),
    path("<int:pk>/approve/", notices.approve, name="approve"),
    path("<int:pk>/dismiss/", notices.dismiss, name="dismiss"),
    path("supervision/new/", notice_office.new_supervision, name="new_supervision"),
    path("exposure/new/", notice_office.new_exposure, name="new_exposure"),
    path("close-outs/", notice_office.close_outs, name="close_outs"),
    path("close-outs/<int:assignment_id>/", notice_office.close_out, name="close_out"),
    path("problems/", notice_office.problems, name="problems"),
    path("scan/", notice_office.run_scan, name="run_scan"),
]

urlpatterns = [
    path("notices/", include((notice_urlpatterns, "notices"))),
]
