"""账号管理's table."""

import django_tables2 as tables
from django.utils.html import format_html
from django.utils.safestring import mark_safe

from core.http import AuthenticatedRequest
from core.tables import cell
from projects.models import Unit, User


class PeopleTable(tables.Table):
    username = tables.Column("用户名", attrs=cell("用户名"))
    first_name = tables.Column("姓名", default="—", attrs=cell("姓名"))
    phone = tables.Column("手机号", default="—", orderable=False, attrs=cell("手机号"))
    role = tables.Column("角色", attrs=cell("角色"))
    unit = tables.Column(
        "所属单位", default="—", order_by=("unit__sort_order", "unit__name"),
        attrs=cell("所属单位", ""),
    )  # fmt: skip
    is_active = tables.Column("状态", orderable=False, attrs=cell("状态"))
    actions = tables.TemplateColumn(
        template_name="accounts/_people_actions.html", verbose_name="", orderable=False,
        attrs={"td": {"class": "nowrap"}},
    )  # fmt: skip

    class Meta:
        model = User
        fields = ()
        attrs = {"class": "table stacked"}
        order_by = ("username",)
        empty_text = "没有符合条件的账号。"

    def render_unit(self, record: User) -> Unit | str:
        if record.unit is None and record.requested_unit is not None:
            return format_html('<span class="muted">申请：{}</span>', record.requested_unit)
        return record.unit or "—"

    def render_is_active(self, record: User) -> str:
        if not record.is_active:
            return mark_safe('<span class="tag returned">已停用</span>')
        if record.must_change_password:
            return mark_safe('<span class="tag submitted">待改初始密码</span>')
        return mark_safe('<span class="tag approved">启用</span>')

    def before_render(self, request: AuthenticatedRequest) -> None:
        self.actor = request.user
