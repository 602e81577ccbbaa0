"""上报模板: an upstream body's Excel template (the file as uploaded, its header rows, which
projects it covers) and its columns, each mapped to one of our fields, a fixed text, the row
number or nothing. Both keep their history (数据变更记录, the template page's 修改记录)."""

from django.db import models
from simple_history.models import HistoricalRecords

from core.models import StoredFile, Versioned
from projects.models import Level, Unit
from upstream.rules.fields import SOURCE_CHOICES

UPLOADED = "随模板上传"  # the history's reason on the columns read at the upload (one line for all)


class UpstreamTemplate(Versioned, StoredFile):
    """One template, by its title (unique). ``name`` is the uploaded file's own name."""

    title = models.CharField("模板名称", max_length=100, unique=True)
    issuer = models.CharField("报送对象", max_length=100, blank=True)
    file = models.FileField("模板文件", upload_to="upstream-templates/")
    sheet = models.CharField("工作表", max_length=100)
    header_first = models.PositiveSmallIntegerField("表头起始行")
    header_last = models.PositiveSmallIntegerField("表头结束行")
    data_start = models.PositiveSmallIntegerField("数据起始行")
    level = models.CharField("项目级别", max_length=20, choices=Level, blank=True)
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, null=True, blank=True
    )
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="上报模板变更记录")

    class Meta:
        ordering = ["title"]
        verbose_name = verbose_name_plural = "上报模板"

    def __str__(self) -> str:
        return self.title

    @property
    def covers(self) -> str:
        """Which of the year's projects it lists, as the page says it."""
        parts = [
            str(self.unit) if self.unit_id else "",
            self.get_level_display() if self.level else "",
        ]
        return "、".join(part for part in parts if part) or "全部项目"


class TemplateColumn(Versioned):
    """A column of a template, by its number, with its header as read and where its cells come
    from: ``source`` is one of our fields' keys, ``text`` (the fixed ``text``), ``serial`` or
    ``blank``."""

    template = models.ForeignKey(
        UpstreamTemplate, verbose_name="上报模板", on_delete=models.CASCADE, related_name="columns"
    )
    number = models.PositiveSmallIntegerField("列号")
    letter = models.CharField("列", max_length=4)
    header = models.CharField("表头", max_length=300)
    source = models.CharField("对应内容", max_length=20, choices=SOURCE_CHOICES, default="blank")
    text = models.CharField("固定文字", max_length=200, blank=True)

    history = HistoricalRecords(verbose_name="上报模板列变更记录")

    class Meta:
        ordering = ["template", "number"]
        verbose_name = verbose_name_plural = "上报模板列"
        constraints = [
            models.UniqueConstraint(fields=["template", "number"], name="upstream_column_unique")
        ]

    def __str__(self) -> str:
        return f"{self.template} {self.letter}列"
