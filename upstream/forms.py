"""The template page's forms: the upload, the header rows, and the mapping (the template's name
and coverage, and one line per column)."""

from typing import Any, TypeVar

from django import forms

from core.params import version_field
from projects.models import Level, Unit
from upstream.rules.fields import SOURCE_CHOICES
from upstream.rules.headers import MAX_HEADER_ROWS
from upstream.rules.template_file import MAX_ROWS

ROW_ERRORS = {"invalid": "行号应为整数", "min_value": "行号从1开始", "max_value": "行号超出模板"}


class UploadForm(forms.Form):
    title = forms.CharField(label="模板名称", max_length=100)
    issuer = forms.CharField(label="报送对象", max_length=100, required=False)
    file = forms.FileField(label="模板文件（.xlsx）")

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["title"].widget.attrs["placeholder"] = "如：市重点项目进展表"
        self.fields["issuer"].widget.attrs["placeholder"] = "如：市发改委"
        self.fields["file"].widget.attrs["accept"] = ".xlsx"


class ReplaceForm(forms.Form):
    """A new version of a template's file, from the upstream body."""

    file = forms.FileField(label="新版模板文件（.xlsx）")
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
        self.fields["file"].widget.attrs["accept"] = ".xlsx"


def _row_field(label: str) -> forms.IntegerField:
    return forms.IntegerField(
        label=label, min_value=1, max_value=MAX_ROWS + MAX_HEADER_ROWS, error_messages=ROW_ERRORS
    )


class LayoutForm(forms.Form):
    header_first = _row_field("表头起始行")
    header_last = _row_field("表头结束行")
    data_start = _row_field("数据起始行")
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class MappingForm(forms.Form):
    title = forms.CharField(label="模板名称", max_length=100)
    issuer = forms.CharField(label="报送对象", max_length=100, required=False)
    level = forms.ChoiceField(
        label="项目级别", choices=[("", "全部级别"), *Level.choices], required=False
    )
    unit = forms.ModelChoiceField(
        label="责任单位",
        queryset=Unit.objects.order_by("sort_order", "name"),
        required=False,
        empty_label="全部单位",
    )
    version = version_field()

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)


class SharedFields(dict[str, forms.Field]):
    """A form class's declared fields, handed to each of its forms as they are instead of
    deep-copied into it (each form still gets a dict of its own).

    Django deep-copies a form's fields for every form, so that one form may change its own;
    a ChoiceField's copy copies its choices and normalizes them again in the widget. A page of
    1,000 column lines (a template's columns, or a forged count, which the formset stops at
    1,000) did that 1,000 times: a hostile post's test spent ~17 s there (≈580k
    normalize_choices calls). Only for fields that keep nothing per form: choices fixed and
    attributes set where the field is declared, no form changing a field in __init__.
    """

    def __deepcopy__(self, memo: dict[int, Any]) -> "SharedFields":
        return SharedFields(self)


FormClass = TypeVar("FormClass", bound=type[forms.Form])


def fields_built_once(form_class: FormClass) -> FormClass:
    form_class.base_fields = SharedFields(form_class.base_fields)
    return form_class


@fields_built_once
class ColumnForm(forms.Form):
    """One line of the mapping: a column and its source. Its fields are built once for every
    line (`SharedFields`): change them here, never in a form's __init__."""

    number = forms.IntegerField(widget=forms.HiddenInput, min_value=1, max_value=1000)
    version = version_field()
    source = forms.ChoiceField(
        label="对应内容",
        choices=SOURCE_CHOICES,
        error_messages={"invalid_choice": "请从列表中选择对应内容"},
    )
    text = forms.CharField(
        label="固定文字",
        max_length=200,
        required=False,
        widget=forms.TextInput(attrs={"placeholder": "固定文字，可用{年}{月}"}),
    )


ColumnFormSet = forms.formset_factory(ColumnForm, extra=0, max_num=1000, absolute_max=1000)
