from django import forms


class PeriodForm(forms.Form):
    """The (year, month) a figures page shows."""

    year = forms.IntegerField(
        label="年度",
        min_value=2000,
        max_value=2100,
        error_messages={"invalid": "年度应为四位年份", "min_value": "年度不能早于2000年"},
    )
    month = forms.TypedChoiceField(
        label="截至月份",
        choices=[(m, f"{m}月") for m in range(1, 13)],
        coerce=int,
        error_messages={"invalid_choice": "月份应为1–12"},
    )

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
