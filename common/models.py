"""Model pieces shared by several apps (abstract only: this package is no Django app)."""

from django.db import models


class AppendOnlyModel(models.Model):
    """An audit row: written once, never changed or deleted by the application (the database keeps what the
    trail says; only an administrator's direct access to it can alter it)."""

    class Meta:
        abstract = True

    def save(self, *args, **kwargs):
        if self.pk is not None and not self._state.adding:
            raise PermissionError(f"{self._meta.verbose_name} rows are never changed")
        super().save(*args, **kwargs)

    def delete(self, *args, **kwargs):
        raise PermissionError(f"{self._meta.verbose_name} rows are never deleted")
