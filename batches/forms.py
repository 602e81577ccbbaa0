"""三个一批's forms: a batch (期次), projects listed under a kind, a listing's 目标日期."""

from typing import Any

from django import forms

from batches.models import Kind
from core.formatting import QUARTER_CHOICES
from core.params import version_field, year_field
from projects.forms import ChineseFormMixin, DateInput
from projects.widgets import ProjectChecklist, ProjectMultipleChoiceField, pickable_projects


class BatchForm(ChineseFormMixin, forms.Form):
    """A batch's fields; the service checks them again (the import says the same)."""

    version = version_field()  # the version the form showed: an older form is refused
    name = forms.CharField(
        label="期次", max_length=50, help_text="如“2026年第二期”，与省、市下达的名称一致"
    )
    year = year_field()
    quarter = forms.TypedChoiceField(label="季度", choices=QUARTER_CHOICES, coerce=int)
    note = forms.CharField(
        label="备注", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )


class EntriesForm(ChineseFormMixin, forms.Form):
    """Projects listed in a batch under one 类别, with one 目标日期 for them all."""

    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    projects = ProjectMultipleChoiceField(
        label="项目", queryset=pickable_projects(), widget=ProjectChecklist()
    )
    target_date = forms.DateField(
        label="目标日期", required=False, widget=DateInput(), help_text="本期次要求完成的日期"
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["projects"].error_messages["required"] = "请选择要列入的项目。"


class EntryForm(ChineseFormMixin, forms.Form):
    version = version_field()
    target_date = forms.DateField(label="目标日期", required=False, widget=DateInput())
