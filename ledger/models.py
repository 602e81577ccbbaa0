"""A record of each ledger import: who, when, which file, what it changed."""

from django.db import models

from projects.models import recorded_by


class LedgerImport(models.Model):
    filename = models.CharField("文件名", max_length=255)
    imported_at = models.DateTimeField("导入时间", auto_now_add=True)
    imported_by = recorded_by("导入人")
    summary = models.JSONField("导入结果", default=dict)

    class Meta:
        ordering = ["-imported_at"]
        verbose_name = verbose_name_plural = "台账导入记录"

    def __str__(self) -> str:
        return f"{self.imported_at:%Y-%m-%d %H:%M} {self.filename}"
