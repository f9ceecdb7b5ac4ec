from django.db import models
from django.utils.translation import gettext_lazy as _


class JobStatus(models.Model):
    """The last run of each periodic job, so an operator can see that the schedule is alive."""

    name = models.CharField(_("job"), max_length=100, unique=True)
    run_count = models.PositiveBigIntegerField(_("runs"), default=0)
    failure_count = models.PositiveBigIntegerField(_("failures"), default=0)
    last_started_at = models.DateTimeField(_("last started"), null=True, blank=True)
    last_finished_at = models.DateTimeField(_("last finished"), null=True, blank=True)
    last_ok = models.BooleanField(_("last run succeeded"), default=True)
    last_detail = models.CharField(_("last result"), max_length=500, blank=True)

    class Meta:
        verbose_name = _("periodic job")
        verbose_name_plural = _("periodic jobs")
        ordering = ["name"]

    def __str__(self):
        return self.name
