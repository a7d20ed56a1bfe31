"""Fixed vocabularies of supervision and accountability."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class CheckKind(models.TextChoices):
    """The four checks: 已经落实的查效果、正在落实的查进度、未落实的查原因、不抓落实的查责任."""

    EFFECT = "effect", _("Done: check the effect")
    PROGRESS = "progress", _("In progress: check progress")
    CAUSE = "cause", _("Not started: check why")
    RESPONSIBILITY = "responsibility", _("Not acting: find who answers for it")


class ChangeRequestStatus(models.TextChoices):
    """A change to a signed responsibility letter waits for the office's decision."""

    PENDING = "pending", _("Pending")
    APPROVED = "approved", _("Approved")
    REFUSED = "refused", _("Refused")
