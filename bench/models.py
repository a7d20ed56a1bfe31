"""What the benchmark database holds: one row written when a generation finishes."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Dataset(models.Model):
    """The synthetic year in this database: its scale, seed and generator version, written last, so
    that an interrupted generation is never taken for a finished one and ``run_bench`` can reuse it."""

    scale = models.CharField(_("scale"), max_length=16)
    seed = models.IntegerField(_("seed"))
    version = models.PositiveSmallIntegerField(_("generator version"))
    counts = models.JSONField(_("rows generated"), default=dict)
    finished_at = models.DateTimeField(_("finished at"), auto_now_add=True)

    class Meta:
        verbose_name = _("benchmark dataset")
        verbose_name_plural = _("benchmark datasets")

    def __str__(self) -> str:
        return f"{self.scale} (seed {self.seed}, v{self.version})"
