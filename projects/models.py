"""Units, people, projects, annual plan rows and milestones.

This app is the base of the others and imports none of them. Amounts are 万元 as exact
decimals (4 places: one yuan), never floats.
"""

from collections.abc import Iterable
from datetime import date
from decimal import Decimal
from typing import Any, ClassVar

from django.conf import settings
from django.contrib.auth.models import AbstractUser, UserManager
from django.db import models
from django.db.models import Case, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from core.models import Versioned, money_field
from core.names import clean_name, username_key
from core.params import YEAR_MAX, YEAR_MIN
from projects import deadlines, rules


def recorded_by(verbose_name: str) -> models.ForeignKey:
    """Who did something (submitted, reviewed, locked, uploaded): kept if the user goes."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=verbose_name,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )


class FactorCategory(models.TextChoices):
    """要素保障: the factors a project needs; also the categories of problems and findings."""

    LAND = "land", "用地"
    FUNDS = "funds", "资金"
    APPROVAL = "approval", "审批"
    EIA = "eia", "环评"
    RELOCATION = "relocation", "征迁"
    UTILITIES = "utilities", "水电气"
    OTHER = "other", "其他"


# 排序 is numbered 10, 20, 30…: a county's units fit many times over, and the value fits
# every database's integer column (an unbounded 排序 once overflowed PostgreSQL's).
SORT_ORDER_MAX = 999_999


class Unit(Versioned):
    """A responsible unit (责任单位): a department or a township."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", "部门"
        TOWNSHIP = "township", "乡镇(街道)"
        OTHER = "other", "其他"

    name = models.CharField("单位名称", max_length=100, unique=True)
    kind = models.CharField("类型", max_length=20, choices=Kind, default=Kind.OTHER)
    sort_order = models.PositiveIntegerField("排序", default=0)

    history = HistoricalRecords(verbose_name="责任单位变更记录")

    class Meta:
        ordering = rules.unit_order()
        verbose_name = verbose_name_plural = "责任单位"
        constraints = [
            # the form and the service take 0–SORT_ORDER_MAX; so does every other writer
            models.CheckConstraint(
                condition=models.Q(sort_order__lte=SORT_ORDER_MAX), name="unit_sort_order_range"
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The unique name compares names as people see them (core.names): a copy with a
        # zero-width space or full-width letters is the same name, whichever path saves it.
        self.name = clean_name(self.name)
        super().save(*args, **kwargs)


class UnitMerge(models.Model):
    """Where a merged (deleted) unit went: a form that still names it, or a write that lost the
    race to the merge, is told which unit its rows now belong to (`projects.services.units`).
    Ids, not foreign keys: the source is gone, and the target may itself be merged later (followed)."""

    source_id = models.PositiveBigIntegerField("原单位编号", unique=True)
    source_name = models.CharField("原单位名称", max_length=100)
    target_id = models.PositiveBigIntegerField("并入单位编号")
    target_name = models.CharField("并入单位名称（合并时）", max_length=100)
    merged_by = recorded_by("合并人")
    merged_at = models.DateTimeField("合并时间", auto_now_add=True)

    class Meta:
        verbose_name = verbose_name_plural = "责任单位合并记录"

    def __str__(self) -> str:
        return f"{self.source_name}并入{self.target_name}"


class KeyProjectUserManager(UserManager["User"]):
    def get_by_natural_key(self, username: str | None) -> "User":
        """The account whatever case or width the name is typed in (sign-in, createsuperuser)."""
        return self.get(username=username_key(username or ""))

    def _create_user_object(self, username, email, password, **extra_fields):
        """Start the password's clock and history for users made with create_user too."""
        # A private hook of Django 5.2's UserManager, not in django-stubs.
        user = super()._create_user_object(  # type: ignore[misc]
            username, email, password, **extra_fields
        )
        if user.has_usable_password():
            user.password_changed_at = timezone.now()
            user._password_for_history = user.password
        return user


class User(AbstractUser):
    """A person using the app, with one role and at most one unit; a reporter has exactly one
    (a check constraint). `AUTH_USER_MODEL` since the first migration.

    ``must_change_password`` is set when an administrator creates the account or resets its
    password and cleared when its owner changes it; ``password_changed_at`` (set by
    ``set_password`` and ``create_user``) starts the 90-day clock. Only a superuser is staff
    (``save``): no role works in the Django admin.
    """

    class Role(models.TextChoices):
        REPORTER = "reporter", "责任单位填报员"
        OFFICER = "officer", "项目办"
        SUPERVISOR = "supervisor", "督查办"
        LEADER = "leader", "县领导"
        # 三员: the system, security and audit administrators hold separate powers.
        ADMIN = "admin", "系统管理员"
        SECURITY = "security", "安全管理员"
        AUDITOR = "auditor", "审计管理员"
        # An account the system administrator made: it signs in but sees nothing until the
        # security administrator grants it a role (三员).
        NONE = "none", "未授权"

    role = models.CharField("角色", max_length=20, choices=Role, default=Role.NONE)
    unit = models.ForeignKey(
        Unit,
        verbose_name="所属单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="users",
    )
    # 导入填报员: the unit the import sheet named, until the security administrator grants it
    # (三员: only they give roles and units); kept as a unit so a merge moves it too.
    requested_unit = models.ForeignKey(
        Unit,
        verbose_name="申请单位",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="requesting_users",
    )
    phone = models.CharField("联系电话", max_length=30, blank=True)
    must_change_password = models.BooleanField(
        "下次登录须修改密码",
        default=False,
        help_text="管理员新建账号或重置密码后自动勾选；用户修改密码后取消。",
    )
    password_changed_at = models.DateTimeField("密码修改时间", null=True, blank=True)

    objects: ClassVar[KeyProjectUserManager] = KeyProjectUserManager()
    # The hash set_password made, for save to add to the history; not a field.
    _password_for_history: str | None = None

    history = HistoricalRecords(
        verbose_name="用户变更记录", excluded_fields=["password", "last_login"]
    )

    class Meta:
        verbose_name = verbose_name_plural = "用户"
        constraints = [
            models.CheckConstraint(
                condition=~Q(role="reporter") | Q(unit__isnull=False),
                name="user_reporter_has_unit",
                violation_error_message="填报员必须属于一个责任单位。",
            ),
            # User names are kept as core.names.username_key makes them (lower case,
            # NFKC), so the unique username is unique whatever the case, on both databases.
            models.CheckConstraint(
                condition=Q(username=Lower("username")),
                name="user_username_normalized",
                violation_error_message="用户名须为小写（用户名不区分大小写）。",
            ),
        ]

    @classmethod
    def normalize_username(cls, username: str) -> str:
        """Django's create_user and forms call this: the one form a user name is kept in."""
        return username_key(username)

    def __str__(self) -> str:
        """The name people know (姓名, kept in first_name), else the login name."""
        return self.first_name or self.username

    # 三员: the administrators' accounts, whose passwords only their owners set.
    PRIVILEGED_ROLES = (Role.ADMIN, Role.SECURITY, Role.AUDITOR)

    @property
    def is_administrator(self) -> bool:
        """One of the 三员 (whose roles no page work asks the security administrator for)."""
        return self.role in self.PRIVILEGED_ROLES

    def set_password(self, raw_password: str | None) -> None:
        """Hash the password, start its 90-day clock and remember it for the history check."""
        super().set_password(raw_password)
        self.password_changed_at = timezone.now()
        self._password_for_history = self.password

    def save(self, *args: Any, update_fields: Iterable[str] | None = None, **kwargs: Any) -> None:
        # No role works in the Django admin (people, units and settings have their own pages):
        # only a superuser kept for operations is staff; a checkbox never decides it.
        if update_fields is None or "role" in update_fields:
            self.is_staff = self.is_superuser
        # Whatever path saves it (a service, createsuperuser, the demo), the name is kept in
        # its one form; the check constraint refuses an upper-case one written past this.
        if update_fields is None or "username" in update_fields:
            self.username = username_key(self.username)
        super().save(*args, update_fields=update_fields, **kwargs)
        encoded = getattr(self, "_password_for_history", None)
        self._password_for_history = None
        # Django re-hashes a password on sign-in when the hasher's settings change, saving only
        # the "password" field: the same password, so neither a change nor a new history row.
        rehash = update_fields is not None and "password_changed_at" not in update_fields
        if encoded and not rehash and self.has_usable_password():
            PasswordHistory.remember(user=self, encoded=encoded)


class PasswordHistory(models.Model):
    """A user's earlier password hashes, so that none of the last few is chosen again."""

    user = models.ForeignKey(
        User, on_delete=models.CASCADE, related_name="password_history", verbose_name="用户"
    )
    password = models.CharField("密码（哈希）", max_length=128)
    created_at = models.DateTimeField("设置时间", default=timezone.now)

    class Meta:
        ordering = ["-created_at", "-id"]
        verbose_name = verbose_name_plural = "历史密码"

    def __str__(self) -> str:
        return f"{self.user_id} @ {self.created_at:%Y-%m-%d %H:%M}"

    @classmethod
    def remember(cls, *, user: User, encoded: str) -> None:
        cls.objects.create(user=user, password=encoded)
        keep = max(settings.PASSWORD_HISTORY, 1)
        stale = cls.objects.filter(user=user).values_list("id", flat=True)[keep:]
        cls.objects.filter(id__in=list(stale)).delete()


class PasswordResetRequest(models.Model):
    """A password reset the system administrator asked for and the security administrator
    confirms or rejects (三员, two people): until it is confirmed the account keeps its password.

    The row is the reset's history: who asked and when, who decided what and when. One account
    has at most one pending request (a partial unique constraint, on both databases)."""

    class Status(models.TextChoices):
        PENDING = "pending", "待安全管理员确认"
        CONFIRMED = "confirmed", "已确认重置"
        REJECTED = "rejected", "已驳回"
        WITHDRAWN = "withdrawn", "已撤回"

    account = models.ForeignKey(
        User, verbose_name="账号", on_delete=models.PROTECT, related_name="password_resets"
    )
    status = models.CharField("状态", max_length=20, choices=Status, default=Status.PENDING)
    requested_by = models.ForeignKey(
        User, verbose_name="申请人", on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField("申请时间", default=timezone.now)
    decided_by = models.ForeignKey(
        User,
        verbose_name="处理人",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    decided_at = models.DateTimeField("处理时间", null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-id"]
        verbose_name = verbose_name_plural = "密码重置申请"
        constraints = [
            models.UniqueConstraint(
                fields=["account"],
                condition=Q(status="pending"),
                name="one_pending_password_reset_per_account",
                violation_error_message="该账号已有一项待安全管理员确认的重置申请。",
            ),
            models.CheckConstraint(
                condition=Q(status="pending", decided_by__isnull=True, decided_at__isnull=True)
                | (~Q(status="pending") & Q(decided_by__isnull=False, decided_at__isnull=False)),
                name="password_reset_decided_when_not_pending",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.account} {self.get_status_display()}"


class ConfirmedUpload(models.Model):
    """A previewed upload that was confirmed: its preview's token, once. Written in the same
    transaction as what the import writes, so an import confirmed twice (two tabs, a double
    click) imports once: the second insert of the token waits for the first transaction and
    fails (`projects.previews.claim`)."""

    class Kind(models.TextChoices):
        LEDGER = "ledger", "台账导入"
        REPORTERS = "reporters", "导入填报员"

    token = models.CharField("预览编号", max_length=32, unique=True)
    kind = models.CharField("导入类型", max_length=16, choices=Kind.choices)
    confirmed_by = recorded_by("确认人")
    confirmed_at = models.DateTimeField("确认时间", auto_now_add=True)

    class Meta:
        ordering = ["-confirmed_at"]
        verbose_name = verbose_name_plural = "已确认的导入"

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.token}"


class Stage(models.TextChoices):
    RESERVE = "reserve", "储备"
    PREPARATION = "preparation", "前期"
    CONSTRUCTION = "construction", "在建"
    COMPLETED = "completed", "竣工"
    OPERATING = "operating", "投产"
    REPLACED = "replaced", "替换"


class Project(Versioned):
    """项目: one project of the register, across the years of its annual lists.

    ``code`` (项目代码, `projects.codes`) is unique; ``stage`` runs 储备 → 前期 → 在建 → 竣工 →
    投产, or 替换 with ``replaced_by`` (and ``replace_reason`` when a started project was
    replaced). ``original_total`` and ``original_completion`` are its 总投资 and 计划竣工日期 when
    it first entered an annual list (null before; migration 0014 filled listed projects from
    their values then); a later change of either is a `ProjectRevision`.
    """

    code = models.CharField("项目代码", max_length=40, unique=True)
    name = models.CharField("项目名称", max_length=200)
    unit = models.ForeignKey(
        Unit, verbose_name="责任单位", on_delete=models.PROTECT, related_name="projects"
    )
    industry = models.CharField("行业类别", max_length=50, blank=True)
    total_investment = money_field("总投资(万元)")
    planned_start = models.DateField("计划开工日期", null=True, blank=True)
    planned_end = models.DateField("计划竣工日期", null=True, blank=True)
    # DESIGN.md §3 Overruns: the approval the project entered its first annual list with; a
    # later change of 总投资 or 计划竣工日期 is a `ProjectRevision` (`projects.services.revisions`).
    original_total = money_field(
        "原总投资(万元)", null=True, blank=True, help_text="项目首次列入年度计划时的总投资"
    )
    original_completion = models.DateField(
        "原计划竣工日期", null=True, blank=True, help_text="项目首次列入年度计划时的计划竣工日期"
    )
    actual_end = models.DateField("实际竣工日期", null=True, blank=True)
    # 三个一批 (DESIGN.md §3): 签约率 and 投产率 read these; 开工 is the plan rows' 实际开(复)工日期.
    signed_on = models.DateField("签约日期", null=True, blank=True)
    production_on = models.DateField("投产日期", null=True, blank=True)
    leader = models.CharField("包抓领导", max_length=50, blank=True)
    service_officer = models.CharField("服务专员", max_length=50, blank=True)
    is_private = models.BooleanField("是否民间投资", default=False)
    content = models.TextField("建设内容", blank=True)
    stage = models.CharField("项目阶段", max_length=20, choices=Stage, default=Stage.PREPARATION)
    replaced_by = models.ForeignKey(
        "self",
        verbose_name="替换为",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="replaces",
    )
    replace_reason = models.TextField(
        "替换原因",
        blank=True,
        help_text="已开工项目替换时项目办说明的原因（替换只用于无法开工的项目）",
    )
    created_at = models.DateTimeField("创建时间", auto_now_add=True)
    updated_at = models.DateTimeField("更新时间", auto_now=True)

    history = HistoricalRecords(verbose_name="项目变更记录")

    class Meta:
        ordering = ["code"]
        verbose_name = verbose_name_plural = "项目"
        constraints = [
            models.CheckConstraint(
                condition=Q(total_investment__gte=0), name="project_total_investment_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(replaced_by__isnull=True) | ~Q(replaced_by=models.F("pk")),
                name="project_not_replaced_by_itself",
            ),
            models.CheckConstraint(
                condition=Q(original_total__isnull=True) | Q(original_total__gte=0),
                name="project_original_total_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code} {self.name}"

    def get_absolute_url(self) -> str:
        """The project page: a URL name of ours, drawn by `settings.PROJECT_PAGE_VIEW`."""
        return reverse("project_detail", args=[self.pk])

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose project this is (`core.capabilities` scopes by it)."""
        return self.unit_id


class Level(models.TextChoices):
    PROVINCIAL = "provincial", "省重点"
    MUNICIPAL = "municipal", "市重点"
    COUNTY = "county", "县重点"


class Nature(models.TextChoices):
    NEW = "new", "新建"
    CONTINUING = "continuing", "续建"


class AnnualPlanQuerySet(models.QuerySet["AnnualPlan"]):
    def counted(self, year: int) -> "AnnualPlanQuerySet":
        """Year ``year``'s rows that count: every figure, ranking, warning and expected report
        of the year starts here. A replaced row (替换, DESIGN.md §3) counts in none of them;
        it stays on the project page, linked to its replacement."""
        return self.filter(rules.counted_q(year))


class AnnualPlan(Versioned):
    """One row of year Y's key-project list (年度重点项目计划): a project in a year."""

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="plans"
    )
    year = models.PositiveSmallIntegerField("年度")
    level = models.CharField("项目级别", max_length=20, choices=Level)
    nature = models.CharField("建设性质", max_length=20, choices=Nature)
    planned_investment = money_field("年度计划投资(万元)")
    actual_start = models.DateField("实际开(复)工日期", null=True, blank=True)
    statistics_date = models.DateField("纳统日期", null=True, blank=True)
    replaced_by = models.ForeignKey(
        Project,
        verbose_name="替换为",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="replacing_plans",
        help_text="替换（DESIGN.md §3）：已替换的计划行不再计入当年任何数字，仍可查看",
    )

    objects = AnnualPlanQuerySet.as_manager()
    history = HistoricalRecords(verbose_name="年度计划变更记录")

    class Meta:
        ordering = ["year", "project__code"]
        verbose_name = verbose_name_plural = "年度计划"
        constraints = [
            models.UniqueConstraint(fields=["project", "year"], name="plan_unique_project_year"),
            models.CheckConstraint(
                condition=Q(planned_investment__gte=0), name="plan_planned_investment_gte_0"
            ),
            models.CheckConstraint(
                condition=Q(year__gte=YEAR_MIN, year__lte=YEAR_MAX), name="plan_year_in_range"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.year}年"

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose plan row this is (`core.capabilities` scopes by it)."""
        return self.project.unit_id


class MilestoneQuerySet(models.QuerySet):
    def late(self, *, on: date | None = None, at_end_of: date | None = None) -> "MilestoneQuerySet":
        """节点逾期: past the 计划完成日期, not done (``projects/deadlines.py``)."""
        return self.filter(Milestone.late_q(on=on, at_end_of=at_end_of))

    def with_status(self, end: date) -> "MilestoneQuerySet":
        """Each milestone's ``status`` at the end of ``end``: a `deadlines.Timeliness` value."""
        return self.annotate(status=Milestone.status_case(end))


class Milestone(Versioned):
    """A step of a project with a planned date; late and on-time as ``projects/deadlines.py``
    says, through ``late_q``/``ON_TIME`` in queries and ``is_late``/``done_on_time`` here."""

    class Kind(models.TextChoices):
        APPROVAL = "approval", "前期手续"
        CONSTRUCTION = "construction", "建设节点"
        OTHER = "other", "其他"

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="milestones"
    )
    name = models.CharField("节点名称", max_length=100)
    kind = models.CharField("节点类型", max_length=20, choices=Kind, default=Kind.OTHER)
    planned_date = models.DateField("计划完成日期")
    actual_date = models.DateField("实际完成日期", null=True, blank=True)
    unit = models.ForeignKey(
        Unit,
        verbose_name="责任单位",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="milestones",
        help_text="留空则为项目的责任单位",
    )

    history = HistoricalRecords(verbose_name="项目节点变更记录")

    objects = MilestoneQuerySet.as_manager()

    # I3's numerator: done on or before the planned date.
    ON_TIME = deadlines.on_time_q(due="planned_date", done="actual_date")

    class Meta:
        ordering = ["project__code", "planned_date", "name"]
        verbose_name = verbose_name_plural = "项目节点"
        constraints = [
            models.UniqueConstraint(fields=["project", "name"], name="milestone_unique_name"),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.name}"

    @staticmethod
    def late_q(*, on: date | None = None, at_end_of: date | None = None) -> Q:
        return deadlines.late_q(due="planned_date", done="actual_date", on=on, at_end_of=at_end_of)

    def late_on(self, day: date) -> bool:
        return deadlines.is_late(due=self.planned_date, done=self.actual_date, on=day)

    @staticmethod
    def status_case(end: date) -> Case:
        return deadlines.timeliness_case(due="planned_date", done="actual_date", at_end_of=end)

    def status_at(self, end: date) -> deadlines.Timeliness:
        """Where it stands at the end of ``end`` (a period's last day): 按期完成 … 未到期."""
        return deadlines.timeliness(due=self.planned_date, done=self.actual_date, at_end_of=end)

    @property
    def is_late(self) -> bool:
        """Late today (for templates; code that has a day calls ``late_on``)."""
        return self.late_on(timezone.localdate())

    @property
    def done_on_time(self) -> bool:
        return deadlines.is_on_time(due=self.planned_date, done=self.actual_date)

    @property
    def owner_unit_id(self) -> int | None:
        """The unit whose project's milestone this is (`core.capabilities` scopes by it)."""
        return self.project.unit_id


class ProjectRevision(models.Model):
    """项目调整（概算调整）: one change of a listed project's 总投资 or 计划竣工日期 after it entered
    its first annual list (DESIGN.md §3 Overruns), with its date, reason, 批复文号 and who.

    Written only by `projects.services.revisions` (the project form, the ledger import and the
    demo go through it); the row is the record, never edited (its history shows a change anyway)."""

    class Field(models.TextChoices):
        TOTAL = "total_investment", "总投资"
        COMPLETION = "planned_end", "计划竣工日期"

    class Source(models.TextChoices):
        FORM = "form", "项目编辑"
        LEDGER = "ledger", "台账导入"
        SERVICE = "service", "系统"

    project = models.ForeignKey(
        Project, verbose_name="项目", on_delete=models.CASCADE, related_name="revisions"
    )
    field = models.CharField("调整事项", max_length=20, choices=Field)
    old_total = money_field("原值(万元)", null=True, blank=True)
    new_total = money_field("新值(万元)", null=True, blank=True)
    old_date = models.DateField("原日期", null=True, blank=True)
    new_date = models.DateField("新日期", null=True, blank=True)
    revised_on = models.DateField("调整日期")
    reason = models.TextField("调整原因")
    approval_number = models.CharField("批复文号", max_length=100, blank=True)
    source = models.CharField("来源", max_length=10, choices=Source, default=Source.FORM)
    recorded_by = recorded_by("记录人")
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    history = HistoricalRecords(verbose_name="项目调整变更记录")

    class Meta:
        ordering = ["-revised_on", "-recorded_at", "-id"]
        verbose_name = verbose_name_plural = "项目调整记录"
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="revision_has_reason"),
            models.CheckConstraint(
                condition=Q(old_total__isnull=True) | Q(old_total__gte=0),
                name="revision_old_total_gte_0",
            ),
            models.CheckConstraint(
                condition=Q(new_total__isnull=True) | Q(new_total__gte=0),
                name="revision_new_total_gte_0",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.project.code} {self.get_field_display()} {self.revised_on}"

    @property
    def owner_unit_id(self) -> int | None:
        return self.project.unit_id

    @property
    def old_value(self) -> Decimal | date | None:
        return self.old_total if self.field == self.Field.TOTAL else self.old_date

    @property
    def new_value(self) -> Decimal | date | None:
        return self.new_total if self.field == self.Field.TOTAL else self.new_date
