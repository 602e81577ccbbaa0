"""账号管理's form for a new account."""

from typing import Any

from django import forms


class AccountForm(forms.Form):
    username = forms.CharField(
        label="用户名", max_length=150, help_text="登录用，字母、数字或 @.+-_"
    )
    name = forms.CharField(label="姓名", max_length=150)
    phone = forms.CharField(label="手机号", max_length=30, required=False)
    password_mode = forms.ChoiceField(
        label="初始密码",
        choices=[("generate", "系统生成（推荐，保存后显示一次）"), ("typed", "我来设置")],
        initial="generate",
        widget=forms.RadioSelect,
    )
    password = forms.CharField(
        label="设置的初始密码",
        required=False,
        widget=forms.PasswordInput(render_value=True, attrs={"autocomplete": "new-password"}),
        help_text="选“我来设置”时填写；本人首次登录时须修改。",
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean() or {}
        if data.get("password_mode") == "typed" and not data.get("password"):
            self.add_error("password", "选择“我来设置”时请填写初始密码。")
        return data
