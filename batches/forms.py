"""三个一批's forms: a batch (期次), projects listed under a kind, a listing's 目标日期."""

from typing import Any

from django import forms

from batches.models import Batch, Kind
from batches.rules import NAME_EXAMPLE, batch_place
from batches.selectors import listed_kinds
from core.formatting import QUARTER_CHOICES
from core.params import version_field, year_field
from projects.forms import ChineseFormMixin, DateInput
from projects.models import Project
from projects.widgets import ProjectChecklist, ProjectMultipleChoiceField, pickable_projects


class BatchForm(ChineseFormMixin, forms.Form):
    """A batch's fields; the service checks them again (the import says the same)."""

    version = version_field()  # the version the form showed: an older form is refused
    name = forms.CharField(
        label="期次", max_length=50, help_text="如“2026年第二期”，与省、市下达的名称一致"
    )
    year = year_field(required=False, help_text="不填时按期次名称（如“2026年第二期”即2026年）")
    quarter = forms.TypedChoiceField(
        label="季度",
        choices=[("", "按期次名称"), *QUARTER_CHOICES],
        coerce=int,
        required=False,
        empty_value=None,
        help_text="“第二期”即二季度",
    )
    note = forms.CharField(
        label="备注", required=False, max_length=2000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        """A year or a quarter left blank is the one the name says (`batches.rules.batch_place`:
        2026年第二期 → 2026, 二季度), so the office does not type what it has just typed."""
        data = super().clean() or {}
        place = batch_place(data.get("name") or "")
        for key, said in zip(("year", "quarter"), place or (None, None), strict=True):
            if data.get(key) is None and key not in self.errors:
                if said is None:
                    field = self.fields[key].label
                    self.add_error(key, f"请填写{field}：期次名称没有写明（如“{NAME_EXAMPLE}”）。")
                else:
                    data[key] = said
        return data


class ListedProjects(ProjectMultipleChoiceField):
    """The projects to list, each marked with the kinds it is already listed under in the
    batch (``listed``: project id → kinds)."""

    listed: dict[int, list[str]]

    def label_from_instance(self, project: Project) -> str:
        label = super().label_from_instance(project)
        kinds = self.listed.get(project.pk)
        if kinds:
            label += f" · 本期已列入{'、'.join(Kind(kind).label for kind in kinds)}"
        return label


class ListedChecklist(ProjectChecklist):
    """A project already listed under a kind cannot be ticked while that kind is chosen
    (static/js/shown-when.js reads data-disabled-when); without the script the service
    refuses it by name."""

    listed: dict[int, list[str]]

    def create_option(self, *args: Any, **kwargs: Any) -> dict[str, Any]:
        option = super().create_option(*args, **kwargs)
        project = getattr(option["value"], "instance", None)
        kinds = self.listed.get(project.pk) if project is not None else None
        if kinds:
            option["attrs"] = {**option["attrs"], "data-disabled-when": f"kind={','.join(kinds)}"}
        return option


class EntriesForm(ChineseFormMixin, forms.Form):
    """Projects listed in a batch under one 类别, with one 目标日期 for them all."""

    kind = forms.ChoiceField(label="类别", choices=Kind.choices)
    projects = ListedProjects(label="项目", queryset=pickable_projects(), widget=ListedChecklist())
    target_date = forms.DateField(
        label="目标日期", required=False, widget=DateInput(), help_text="本期次要求完成的日期"
    )

    def __init__(self, *args: Any, batch: Batch, **kwargs: Any) -> None:
        """``batch``: the batch listed in; its listings mark the picker."""
        super().__init__(*args, **kwargs)
        field = self.fields["projects"]
        assert isinstance(field, ListedProjects) and isinstance(field.widget, ListedChecklist)
        listed: dict[int, list[str]] = {}
        for project_id, kind in listed_kinds(batch):
            listed.setdefault(project_id, []).append(kind)
        field.listed = field.widget.listed = listed
        field.error_messages["required"] = "请选择要列入的项目。"
        self.fields["target_date"].help_text = f"本期次要求完成的日期，不早于{batch.year}年1月1日"


class EntryForm(ChineseFormMixin, forms.Form):
    version = version_field()
    target_date = forms.DateField(label="目标日期", required=False, widget=DateInput())
