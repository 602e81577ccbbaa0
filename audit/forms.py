from django import forms

from audit.models import AuditEntry

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class AuditFilterForm(forms.Form):
    user = forms.CharField(label="用户名", required=False, max_length=150)
    category = forms.ChoiceField(
        label="类别", required=False, choices=[("", "全部"), *AuditEntry.Category.choices]
    )
    outcome = forms.ChoiceField(
        label="结果", required=False, choices=[("", "全部"), *AuditEntry.Outcome.choices]
    )
    since = forms.DateField(label="起始日期", required=False, widget=DATE)
    until = forms.DateField(label="截止日期", required=False, widget=DATE)
    text = forms.CharField(label="关键词", required=False, max_length=100)

    def __init__(self, *args, **kwargs):
        kwargs.setdefault("label_suffix", "")
        super().__init__(*args, **kwargs)
