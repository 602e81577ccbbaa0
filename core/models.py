"""What every app's models build on: amounts in 万元, optimistic locking, stored files,
the kinds of period. Abstract bases and choices only: core keeps no table."""

from collections.abc import Iterable
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from django.core.files.base import ContentFile
from django.db import models

MONEY_DIGITS = 14  # DESIGN.md §3: 10 digits before the point, 4 after
MONEY_PLACES = 4


MONEY_QUANTUM = Decimal(1).scaleb(-MONEY_PLACES)


def money(value: Decimal | None) -> Decimal:
    """An amount summed by the database, at the stored precision.

    SQLite sums decimals as floats (15 significant digits), so 495000 can come back as
    495000.000000001; quantizing to the stored 4 places restores the exact value.
    PostgreSQL sums exactly and is unchanged by this.
    """
    return (value or Decimal(0)).quantize(MONEY_QUANTUM, rounding=ROUND_HALF_UP)


def money_field(verbose_name: str, **kwargs) -> models.DecimalField:
    field = models.DecimalField(
        verbose_name, max_digits=MONEY_DIGITS, decimal_places=MONEY_PLACES, **kwargs
    )
    field.holds_money = True  # type: ignore[attr-defined]  # read by `is_money`
    return field


def is_money(field: object) -> bool:
    """Whether a model field is an amount in 万元 (declared with `money_field`): what a
    history line or a stale-form notice writes through `core.formatting.wan_text`."""
    return getattr(field, "holds_money", False)


class Versioned(models.Model):
    """Optimistic locking: each save adds one to ``version``; a form carries the version it
    showed, and `core.versioning.check_version` refuses it when the row moved on."""

    version = models.PositiveIntegerField("版本", default=1, editable=False)

    class Meta:
        abstract = True

    def save(self, *args: Any, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
        if not self._state.adding:
            self.version += 1
            if update_fields is not None:
                update_fields = {*update_fields, "version"}
        super().save(*args, update_fields=update_fields, **kwargs)


class StoredFile(models.Model):
    """An attachment checked by `core.uploads` (evidence, fund documents). Each subclass
    declares its own ``file`` field, for its own folder; `keep` stores a checked upload."""

    name = models.CharField("文件名", max_length=200)
    size = models.PositiveIntegerField("大小(字节)")
    content_type = models.CharField("类型", max_length=100)
    file: models.FileField  # each subclass's own field

    class Meta:
        abstract = True

    def __str__(self) -> str:
        return self.name

    def keep(self, attachment) -> None:
        """Save ``attachment`` (a `core.uploads.Attachment`) under its random name."""
        self.name, self.size = attachment.name, len(attachment.data)
        self.content_type = attachment.content_type
        self.file.save(attachment.storage_name, ContentFile(attachment.data), save=False)
        self.save()


class PeriodKind(models.TextChoices):
    """The periods briefings, rankings and notices are made for: month m, quarter (m = 3q), year."""

    MONTH = "month", "月度"
    QUARTER = "quarter", "季度"
    YEAR = "year", "年度"

    def last_month(self, *, month: int | None, quarter: int | None = None) -> int | None:
        """The month a period of this kind runs through: the month asked, the quarter's last
        month (3q), or December; None when the month or the quarter it needs is not given.
        The one reading of a period asked for: the pages' forms (briefing, notice) and the
        commands' ``--month``/``--quarter``/``--annual`` (`investment.rules.periods.Period`)."""
        if self == PeriodKind.QUARTER:
            return None if quarter is None else 3 * quarter
        if self == PeriodKind.YEAR:
            return 12
        return month
