"""Who may do what: the one table of capabilities per role, asked by services, views, templates
and the middleware alike.

A capability is a domain action (`report.review`, `finding.answer`); each role holds some, each
with a scope: ALL (county-wide) or OWN_UNIT (a reporter: the objects of their own unit). An
object states its unit through ``owner_unit_id`` (Project, AnnualPlan, Milestone,
MonthlyReport, FundApplication, Finding, Evidence…), so this module imports no other app.

State-dependent refusals (a closed finding, a locked month) are not here: they stay in each
app's own rule function, which the page asks too (e.g. ``supervision.rules.answer_refusal``).

A capability's name is a ``CapabilityName`` (a ``Literal`` of every key of ``CAPABILITY``), so a
misspelt name in ``requires``, ``needs``, ``can`` or the table fails mypy; a test holds the two
lists equal. Adding a capability: its name in ``CapabilityName`` and its entry in ``CAPABILITY``.

Adding a role: one entry in ``User.Role`` and one row in ``CAPABILITIES``; then run
``tests/test_permission_matrix.py``, which derives every URL's expected status from this table,
and copy ``capability_table()`` into docs/capabilities.md (a test compares them).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from typing import Final, Literal, Protocol, TypeAlias, TypeVar
from urllib.parse import urlsplit

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.http import HttpResponseNotAllowed
from django.http.response import HttpResponseBase
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme

Q = TypeVar("Q", bound=QuerySet)


class Scope(Enum):
    ALL = "全县"
    OWN_UNIT = "本单位"


ALL, OWN_UNIT = Scope.ALL, Scope.OWN_UNIT


class Owned(Protocol):
    """An object that belongs to one unit (None: county-wide, e.g. an inspection)."""

    @property
    def owner_unit_id(self) -> int | None: ...


class Account(Protocol):
    """A person's account (``projects.models.User``), as the account capabilities see it."""

    @property
    def pk(self) -> int | None: ...

    @property
    def is_administrator(self) -> bool: ...


@dataclass(frozen=True)
class Capability:
    label: str  # what it is, as the docs and the 403 page say it
    refusal: str  # why a role without it is refused
    scope_refusal: str = "只能办理本单位的事项。"  # a reporter acting on another unit's object
    business: bool = True  # business data, which the 三员 administrators never touch
    # It acts on people's accounts, and so never on another 三员 administrator's: asked about
    # an account (``refusal(user, name, account)``), it refuses an administrator's but one's own.
    on_accounts: bool = False


# Every capability's name: a typo in one is a mypy error wherever it is written.
CapabilityName: TypeAlias = Literal[
    "portfolio.view",
    "register.keep",
    "plan.record_start",
    "milestone.record",
    "report.enter",
    "review.read",
    "quality.explain",
    "quality.accept",
    "report.review",
    "period.lock",
    "briefing.read",
    "briefing.write_note",
    "ledger.import",
    "opendata.publish",
    "upstream.keep",
    "fund.keep",
    "promotion.keep",
    "supervision.keep",
    "finding.answer",
    "security.grant",
    "accounts.confirm_reset",
    "audit.read",
    "accounts.keep",
    "year.configure",
    "units.keep",
    "backup.run",
]

CAPABILITY: dict[CapabilityName, Capability] = {
    "portfolio.view": Capability(
        "查看项目、报表、资金、督查和通报", "您的角色不能查看业务数据。", "只能查看本单位的数据。"
    ),
    "register.keep": Capability(
        "维护项目库、年度计划、项目节点和三个一批", "只有项目办可以进行此操作。"
    ),
    "plan.record_start": Capability(
        "填报年度计划的开工日期和纳统日期",
        "只有项目办或本单位填报员可以修改年度计划。",
        "只有项目办或本单位填报员可以修改年度计划。",
    ),
    "milestone.record": Capability(
        "填报项目节点的完成日期", "只有项目办可以进行此操作。", "只能填报本单位项目的节点。"
    ),
    "report.enter": Capability(
        "填报和报送月度报表、上传进度照片", "您的角色不能填报。", "只能填报本单位的项目。"
    ),
    "review.read": Capability("查看报表审核页", "审核页面仅供项目办和领导查看。"),
    "quality.explain": Capability(
        "对月报的数据质量提示填写说明",
        "您的角色不能填写数据质量说明。",
        "只能说明本单位项目的数据质量提示。",
    ),
    "quality.accept": Capability(
        "核实月报的数据质量提示（已核实）", "只有项目办可以核实数据质量提示。"
    ),
    "report.review": Capability("审核（通过、退回）月度报表", "只有项目办可以进行此操作。"),
    "period.lock": Capability("锁定和解锁报送月份", "只有项目办可以进行此操作。"),
    "briefing.read": Capability(
        "查看和下载月度、季度、年度简报",
        "简报汇总全县数据，仅供项目办、督查办和县领导下载。",
    ),
    "briefing.write_note": Capability("填写简报的下步工作打算", "下步工作打算由项目办填写。"),
    "ledger.import": Capability("导入Excel台账", "只有项目办可以进行此操作。"),
    "opendata.publish": Capability(
        "导出全县重点项目开放数据（OC4IDS）", "开放数据由项目办导出发布。"
    ),
    "upstream.keep": Capability(
        "维护上报模板（上传、对应字段）并下载填好的上报表", "上报模板由项目办维护。"
    ),
    "fund.keep": Capability("登记资金申报及其附件", "资金申报由项目办登记，您的角色不能修改。"),
    "promotion.keep": Capability(
        "登记招商引资活动（外出招商、接待客商）及其签约项目",
        "招商引资活动由各单位填报员和项目办登记，您的角色不能修改。",
        "只能登记本单位的招商引资活动。",
    ),
    "supervision.keep": Capability(
        "记录督查、交办、修改、转交和销号问题、印发通报", "只有督查办可以进行此操作。"
    ),
    "finding.answer": Capability(
        "答复督查问题（整改情况）", "整改情况由责任单位填报。", "只能答复本单位的督查问题。"
    ),
    "security.grant": Capability(
        "分配角色和单位、启用和解锁账号（三员管理员的账号除外，解锁除外）",
        "角色分配和账号解锁由安全管理员办理。",
        business=False,
        on_accounts=True,
    ),
    "accounts.confirm_reset": Capability(
        "确认或驳回系统管理员提出的业务账号密码重置（双人）",
        "密码重置申请由安全管理员确认。",
        business=False,
        on_accounts=True,
    ),
    "audit.read": Capability(
        "查看安全审计日志和数据变更记录",
        "安全审计日志和数据变更记录仅限审计管理员查看（三员分立）；需要了解某条数据的修改经过，请联系审计管理员。",
        business=False,
    ),
    "accounts.keep": Capability(
        "建立、停用和启用账号，重置未授权账号的密码，申请重置业务账号的密码（安全管理员确认后生效），"
        "导入填报员（账号管理；三员管理员的账号除外）",
        "账号由系统管理员在账号管理中维护。",
        business=False,
        on_accounts=True,
    ),
    "year.configure": Capability(
        "维护年度设置和预警规则（报送截止日、考核权重、红黑榜单位数、预警阈值）",
        "年度设置和预警规则由项目办维护。",
    ),
    "units.keep": Capability(
        "维护责任单位（新增、改名、排序、合并）",
        "责任单位由系统管理员或项目办维护。",
        business=False,
    ),
    "backup.run": Capability(
        "备份全部数据、从备份恢复（数据备份）",
        "数据备份和恢复由系统管理员办理。",
        business=False,
    ),
}

# The table. Keys are User.Role values; a role not listed (未授权 "none") holds nothing.
CAPABILITIES: dict[str, dict[CapabilityName, Scope]] = {
    "reporter": {
        "portfolio.view": OWN_UNIT,
        "plan.record_start": OWN_UNIT,
        "milestone.record": OWN_UNIT,
        "report.enter": OWN_UNIT,
        "quality.explain": OWN_UNIT,
        "finding.answer": OWN_UNIT,
        "promotion.keep": OWN_UNIT,
    },
    "officer": {
        "portfolio.view": ALL,
        "register.keep": ALL,
        "plan.record_start": ALL,
        "milestone.record": ALL,
        "report.enter": ALL,
        "review.read": ALL,
        "report.review": ALL,
        "quality.explain": ALL,
        "quality.accept": ALL,
        "period.lock": ALL,
        "briefing.read": ALL,
        "briefing.write_note": ALL,
        "ledger.import": ALL,
        "opendata.publish": ALL,
        "upstream.keep": ALL,
        "fund.keep": ALL,
        "promotion.keep": ALL,
        "year.configure": ALL,
        "units.keep": ALL,
    },
    "supervisor": {
        "portfolio.view": ALL,
        "review.read": ALL,
        "briefing.read": ALL,
        "supervision.keep": ALL,
    },
    "leader": {"portfolio.view": ALL, "review.read": ALL, "briefing.read": ALL},
    # 三员: the system administrator keeps accounts (账号管理) and units (责任单位), and reads
    # no business data (no 项目库, figures or briefing: county-wide reading is a role the
    # security administrator grants); the security administrator grants roles; the auditor
    # reads the log.
    "admin": {"accounts.keep": ALL, "units.keep": ALL, "backup.run": ALL},
    "security": {"security.grant": ALL, "accounts.confirm_reset": ALL},
    "auditor": {"audit.read": ALL},
}

SEPARATION = "三员分立：系统管理员、安全管理员和审计管理员不查看、不办理业务数据。"
ADMINISTRATORS = (
    "三员分立：系统管理员、安全管理员和审计管理员互不停用、启用、重置密码或修改角色；"
    "管理员的密码只能由本人修改。"
)
PENDING = "账号尚未授权，请联系安全管理员。"


def capabilities_of(user) -> dict[CapabilityName, Scope]:
    if not getattr(user, "is_authenticated", False) or not user.is_active:
        return {}
    return CAPABILITIES.get(user.role, {})


def scope(user, capability: CapabilityName) -> Scope | None:
    """The scope within which ``user`` holds ``capability`` (None: not at all)."""
    if capability not in CAPABILITY:
        raise KeyError(f"unknown capability {capability!r}")
    return capabilities_of(user).get(capability)


def _in_scope(user, held: Scope, obj: Owned | Account | None) -> bool:
    if held is ALL or obj is None:
        return True
    owner = obj.owner_unit_id  # type: ignore[union-attr]  # no OWN_UNIT capability is on_accounts
    return owner is None or owner == user.unit_id


def _another_administrator(user, capability: CapabilityName, obj: Owned | Account | None) -> bool:
    """Whether ``obj`` is another 三员 administrator's account, out of ``capability``'s reach."""
    return (
        CAPABILITY[capability].on_accounts
        and getattr(obj, "is_administrator", False)
        and getattr(obj, "pk", None) != user.pk
    )


def refusal(user, capability: CapabilityName, obj: Owned | Account | None = None) -> str | None:
    """Why ``user`` may not do ``capability`` (to ``obj``, when given); None: they may."""
    held = scope(user, capability)
    if held is None:
        if not capabilities_of(user):
            return PENDING
        if CAPABILITY[capability].business and "portfolio.view" not in capabilities_of(user):
            return SEPARATION
        return CAPABILITY[capability].refusal
    if _another_administrator(user, capability, obj):
        return ADMINISTRATORS
    if not _in_scope(user, held, obj):
        return CAPABILITY[capability].scope_refusal
    return None


def can(user, capability: CapabilityName, obj: Owned | Account | None = None) -> bool:
    return refusal(user, capability, obj) is None


def require(user, capability: CapabilityName, obj: Owned | Account | None = None) -> None:
    """Raise PermissionDenied with the Chinese reason unless ``user`` may do ``capability``."""
    reason = refusal(user, capability, obj)
    if reason is not None:
        raise PermissionDenied(reason)


def scoped(user, capability: CapabilityName, queryset: Q, unit_field: str) -> Q:
    """``queryset`` narrowed to what ``user`` may do ``capability`` to: everything (ALL), the
    rows whose ``unit_field`` is their unit (OWN_UNIT), or nothing."""
    held = scope(user, capability)
    if held is ALL:
        return queryset
    if held is OWN_UNIT:
        return queryset.filter(**{unit_field: user.unit_id})
    return queryset.none()


def own_unit(user, capability: CapabilityName = "portfolio.view") -> int | None:
    """The unit ``user`` is held to for ``capability`` (None: no unit narrows them)."""
    return user.unit_id if scope(user, capability) is OWN_UNIT else None


def has_business(user) -> bool:
    """Whether ``user`` works on business data at all (the 三员 administrators and an account
    with no role yet do not: they see only their own pages)."""
    return scope(user, "portfolio.view") is not None


# --- views ---------------------------------------------------------------------------------

SIGNED_IN: Final = ""  # a view any signed-in user may open (their own password, the pending page)
# What a view needs: a capability, or SIGNED_IN.
Needed: TypeAlias = CapabilityName | Literal[""]
View: TypeAlias = Callable[..., HttpResponseBase]


def redirect_to_login(request):
    """To the sign-in page, and afterwards back to where the person was.

    For a GET that is the page itself. A POST whose session has ended comes back to the page
    its form was on (the Referer, this site's only), not to the URL it posted to: that may
    take no GET (`finding_answer`), and the form page is where the browser offers back what
    was typed (static/js/drafts.js). Without a usable Referer, the POST's own URL.
    """
    # Imported here: django.contrib.auth.views needs the user model, which imports this module.
    from django.contrib.auth.views import redirect_to_login as to_login

    return to_login(_come_back_to(request))


def _come_back_to(request) -> str:
    here = request.get_full_path()
    referer = request.headers.get("Referer", "")
    if request.method != "POST" or not referer:
        return here
    if not url_has_allowed_host_and_scheme(
        referer, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return here
    parts = urlsplit(referer)
    page = parts.path + (f"?{parts.query}" if parts.query else "")
    return page if parts.path.startswith("/") and parts.path != reverse("login") else here


def requires(
    capability: Needed,
    *,
    post: Needed | None = None,
    methods: Iterable[str] | None = None,
) -> Callable[[View], View]:
    """Sign-in, then ``methods`` (405 otherwise), then the capability (``post`` for a POST,
    when it differs): 403 with the reason. Records what the view needs on the function
    (``view.capabilities``: method → capability) for the permission matrix and the middleware.
    The object's own scope is the fetch helper's (404 outside it)."""
    needed: dict[str, Needed] = {
        "GET": capability,
        "POST": post if post is not None else capability,
    }
    for name in needed.values():
        if name != SIGNED_IN and name not in CAPABILITY:
            raise KeyError(f"unknown capability {name!r}")
    allowed = sorted(methods) if methods is not None else None

    def decorator(view: View) -> View:
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if not request.user.is_authenticated:
                return redirect_to_login(request)
            if allowed is not None and request.method not in allowed:
                return not_allowed(request, allowed)
            name = needed["POST" if request.method == "POST" else "GET"]
            if name:
                require(request.user, name)
            return view(request, *args, **kwargs)

        wrapper.capabilities = needed  # type: ignore[attr-defined]
        wrapper.methods = allowed  # type: ignore[attr-defined]
        return wrapper

    return decorator


def not_allowed(request, allowed: list[str]) -> HttpResponseNotAllowed:
    """405 for a method the view does not take (a POST-only page reloaded, bookmarked or typed
    in): the Allow header, and a page in Chinese saying to use the page's button, not a blank one."""
    return HttpResponseNotAllowed(allowed, content=render_to_string("405.html", request=request))


def signed_in(view: View) -> View:
    """Any signed-in user, whatever their role."""
    return requires(SIGNED_IN)(view)


def public(view: Callable) -> Callable:
    """A page anyone may open, signed in or not (signing in and out)."""
    view.public = True  # type: ignore[attr-defined]
    return view


def needed_for(view: Callable[..., object], method: str | None) -> Needed | None:
    """The capability ``view`` needs for ``method`` ("" = signed in only or public, None =
    undeclared)."""
    if getattr(view, "public", False):
        return SIGNED_IN
    view_class = getattr(view, "view_class", None)
    declared = getattr(view, "capabilities", None) or getattr(view_class, "capabilities", None)
    if declared is None:
        return None
    return declared["POST" if method == "POST" else "GET"]


class CapabilityRequiredMixin:
    """``requires`` for a class-based view: set ``capabilities`` with ``needs(...)``."""

    capabilities: dict[str, Needed] = {}

    def dispatch(self, request, *args, **kwargs):
        if not request.user.is_authenticated:
            return redirect_to_login(request)
        name = self.capabilities["POST" if request.method == "POST" else "GET"]
        if name:
            require(request.user, name)
        return super().dispatch(request, *args, **kwargs)  # type: ignore[misc]


def needs(capability: Needed, *, post: Needed | None = None) -> dict[str, Needed]:
    return {"GET": capability, "POST": post if post is not None else capability}


# --- the table as docs/capabilities.md shows it -----------------------------------------------


def capability_table(roles: list[tuple[str, str]]) -> str:
    """The Markdown table of ``CAPABILITIES`` (``roles``: User.Role.choices)."""
    shown = [(value, label) for value, label in roles if value in CAPABILITIES]
    lines = [
        "| capability | what | " + " | ".join(label for _, label in shown) + " |",
        "| --- | --- | " + " | ".join("---" for _ in shown) + " |",
    ]
    for name, capability in CAPABILITY.items():
        cells = []
        for value, _ in shown:
            held = CAPABILITIES[value].get(name)
            cells.append(held.value if held else "")
        lines.append(f"| `{name}` | {capability.label} | " + " | ".join(cells) + " |")
    return "\n".join(lines)
