"""Project pickers wherever one project is chosen from the county's list (inspections,
findings, 替换, fund applications): a county has 150 projects or more, a city thousands.

Each option carries its project's unit (``data-unit``, ``data-unit-name``), and
`static/js/pickers.js` adds a unit select and a type-to-filter box above the list (for a
finding, the unit select follows the form's 责任单位). Without JavaScript they stay plain
lists: a select for one project, a scrolling checkbox list for several.
"""

from typing import Any

from django import forms
from django.db.models import QuerySet

from core.params import whole_number
from projects.models import Project

PICKER_CLASS = "project-picker"


def pickable_projects() -> QuerySet[Project]:
    return Project.objects.select_related("unit").order_by("code")


class ProjectChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, project: Project) -> str:
        return f"{project.name}（{project.code}，{project.unit}）"


class ProjectMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Several projects ticked; a value that is not a project's id (text, a number past every
    id, which the database would refuse outright) is refused as a project not on the list."""

    default_error_messages = {
        "invalid_choice": "“%(value)s”不是可选的项目。",
        "invalid_pk_value": "“%(pk)s”不是可选的项目。",
    }

    def clean(self, value: Any) -> Any:
        for raw in value if isinstance(value, list | tuple) else []:
            if whole_number(str(raw), low=1) is None:
                raise forms.ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value",
                    params={"pk": str(raw)[:20]},
                )  # fmt: skip
        return super().clean(value)

    def label_from_instance(self, project: Project) -> str:
        return f"{project.name}（{project.code}，{project.unit}）"


class _UnitOptions(forms.widgets.ChoiceWidget):
    """Adds the option's project unit as data attributes (read by pickers.js)."""

    def create_option(
        self,
        name: str,
        value: Any,
        label: int | str,
        selected: bool,
        index: int,
        subindex: int | None = None,
        attrs: dict[str, Any] | None = None,
    ) -> dict[str, Any]:
        option = super().create_option(name, value, label, selected, index, subindex, attrs)
        project = getattr(value, "instance", None)
        if project is not None:
            option["attrs"] = {
                **option["attrs"],
                "data-unit": str(project.unit_id),
                "data-unit-name": str(project.unit),
            }
        return option


class ProjectSelect(_UnitOptions, forms.Select):
    """One project; ``unit_field`` names the form field whose unit narrows the list."""

    def __init__(self, *, unit_field: str = "", attrs: dict[str, Any] | None = None) -> None:
        attrs = {"class": PICKER_CLASS, **(attrs or {})}
        if unit_field:
            attrs["data-unit-field"] = f"id_{unit_field}"
        super().__init__(attrs=attrs)


class ProjectChecklist(_UnitOptions, forms.CheckboxSelectMultiple):
    """Several projects as a scrolling list of checkboxes."""

    def __init__(self, attrs: dict[str, Any] | None = None) -> None:
        super().__init__(attrs={"class": PICKER_CLASS, **(attrs or {})})
