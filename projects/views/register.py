"""The register's pages: 项目库, a project's form, 列入年度计划, a plan row's edit, 替换 and
项目节点.

Thin views over `projects.services.register`: they validate the form and hand its fields over.
The plan row's form (`projects.plan_forms.PlanEditForm`) is narrowed to the fields
`plan_fields_for` gives the user (修改 for the office, 填报开工 for the project's reporter);
替换 asks which year's row is replaced and, for a started project, shows why it is refused
and takes a 替换原因. 项目库 is a `core.lists.ListPage`; its 导出Excel opens the ledger's
export of the same filter.
"""

from typing import Any

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django_filters import FilterSet

from core.capabilities import can, require, requires
from core.errors import error_text
from core.http import AuthenticatedRequest
from core.lists import ListPage
from core.params import given, id_param, shown, year_param
from projects.access import project_for, visible_plans
from projects.filters import PlanFilter
from projects.forms import ChainForm, DoneForm, MilestoneForm, PlanForm, ProjectForm
from projects.models import AnnualPlanQuerySet, User
from projects.plan_forms import PlanEditForm, ReplaceForm
from projects.services import register as services
from projects.tables import PlanTable


class ProjectListView(ListPage[User]):
    """The project register: the chosen year's plan rows, filtered and sortable."""

    table_class = PlanTable
    filterset_class = PlanFilter
    template_name = "projects/project_list.html"

    def get_queryset(self) -> AnnualPlanQuerySet:
        return visible_plans(self.user).select_related("project__unit")

    def get_filterset_kwargs(self, filterset_class: type[FilterSet]) -> dict[str, Any]:
        """No year, or one that is not a year (``?year=abc``), is this year's register: the
        register is always one year's list (a project is on several years')."""
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = kwargs["data"].copy() if kwargs["data"] is not None else {}
        if year_param(data) is None:
            self.bad_year = shown(given(data, "year"))
            data["year"] = str(timezone.localdate().year)
        kwargs["data"] = data
        return kwargs

    def get_context_data(self, **kwargs: Any) -> dict[str, Any]:
        return super().get_context_data(**kwargs) | {"bad_year": getattr(self, "bad_year", "")}


@requires("register.keep")
def project_edit(request: AuthenticatedRequest, pk: int | None = None) -> HttpResponse:
    """Create (no pk) or edit a project; the office keeps the register."""
    project = project_for(request.user, pk) if pk else None
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        try:
            project = services.project_save(
                form,
                user=request.user,
                reason=form.cleaned_data.get("revision_reason", ""),
                approval_number=form.cleaned_data.get("approval_number", ""),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已保存：{project.name}")
            return redirect(project)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@requires("register.keep")
def plan_add(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = project_for(request.user, pk)
    form = PlanForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            plan = services.plan_add(
                project=project,
                user=request.user,
                year=data["year"],
                level=data["level"],
                nature=data["nature"],
                planned_investment=data["planned_investment"],
                actual_start=data.get("actual_start"),
                statistics_date=data.get("statistics_date"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已列入{plan.year}年度计划。")
            return redirect(project)
    return render(request, "projects/plan_form.html", {"form": form, "project": project})


@requires("plan.record_start")
def plan_edit(request: AuthenticatedRequest, pk: int, year: int) -> HttpResponse:
    """A 年度计划 row: the office edits it all, the project's own reporter its start and
    纳统 date (`services.plan_fields_for`); others are refused."""
    project = project_for(request.user, pk)
    plan = get_object_or_404(project.plans.select_related("project"), year=year)
    editable = services.plan_fields_for(request.user, plan)
    if not editable:
        raise PermissionDenied(
            "只有项目办或本单位填报员可以修改年度计划（已替换的计划行不再修改）。"
        )
    form = PlanEditForm(request.POST or None, instance=plan, editable=editable)
    if request.method == "POST" and form.is_valid():
        try:
            services.plan_update(
                plan=plan,
                user=request.user,
                changes=form.changes(),
                version=form.cleaned_data.get("version"),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已保存：{project.name}{year}年度计划")
            return redirect(project)
    return render(
        request,
        "projects/plan_edit.html",
        {
            "form": form,
            "project": project,
            "plan": plan,
            "is_office": can(request.user, "register.keep", plan),
        },
    )


@requires("register.keep")
def project_replace(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    project = project_for(request.user, pk)
    years = services.replaceable_years(project)
    started = services.started_on(project)
    form = ReplaceForm(request.POST or None, project=project, years=years, started=started)
    if request.method == "POST" and form.is_valid():
        replacement = form.cleaned_data["replacement"]
        reason = form.cleaned_data.get("reason", "")
        try:
            services.project_replace(
                project=project,
                replacement=replacement,
                user=request.user,
                year=form.cleaned_data.get("year"),
                reason=reason,
            )
        except ValidationError as error:
            form.add_error("replacement", error)
        else:
            messages.success(request, f"“{project.name}”已替换为“{replacement.name}”。")
            return redirect(project)
    return render(
        request,
        "projects/replace_form.html",
        {"form": form, "project": project, "started": started},
    )


@requires("portfolio.view")
def milestones(request: AuthenticatedRequest, pk: int) -> HttpResponse:
    """A project's milestones: the office plans them, the unit records when each was done."""
    project = project_for(request.user, pk)
    is_office = can(request.user, "register.keep", project)
    form = MilestoneForm(project=project)
    chain = ChainForm()
    if request.method == "POST":
        action = request.POST.get("action")
        try:
            if action == "add":
                require(request.user, "register.keep")
                form = MilestoneForm(request.POST, project=project)
                if form.is_valid():
                    added = services.milestone_add(
                        project=project, user=request.user, **_milestone_fields(form)
                    )
                    messages.success(request, f"已添加节点：{added.name}")
                    return redirect("milestones", pk=project.pk)
            elif action == "chain":
                chain = ChainForm(request.POST)
                if chain.is_valid():
                    count = services.add_approval_chain(
                        project=project,
                        first_date=chain.cleaned_data["first_date"],
                        user=request.user,
                    )
                    messages.success(request, f"已添加{count}项前期手续节点。")
                    return redirect("milestones", pk=project.pk)
            elif action == "done":
                milestone = get_object_or_404(
                    project.milestones, pk=id_param(request.POST, "milestone")
                )
                done = DoneForm(request.POST)
                if not done.is_valid():
                    raise ValidationError("实际完成日期格式不正确。")
                services.milestone_done(
                    milestone=milestone,
                    user=request.user,
                    actual_date=done.cleaned_data["actual_date"],
                    expected_version=done.cleaned_data["version"],
                )
                messages.success(request, f"已更新：{milestone.name}")
                return redirect("milestones", pk=project.pk)
        except ValidationError as error:
            messages.error(request, error_text(error))
    return render(
        request,
        "projects/milestones.html",
        {
            "project": project,
            "milestones": project.milestones.select_related("unit").order_by(
                "planned_date", "name"
            ),
            "form": form,
            "chain": chain,
            "is_office": is_office,
            "can_record": can(request.user, "milestone.record", project),
        },
    )


def _milestone_fields(form: MilestoneForm) -> dict:
    data = form.cleaned_data
    return {
        "name": data["name"],
        "kind": data["kind"],
        "planned_date": data["planned_date"],
        "actual_date": data.get("actual_date"),
        "unit": data.get("unit"),
    }


@requires("register.keep")
def milestone_edit(request: AuthenticatedRequest, pk: int, milestone_pk: int) -> HttpResponse:
    """The office corrects one milestone; a form older than the milestone is refused."""
    project = project_for(request.user, pk)
    milestone = get_object_or_404(project.milestones, pk=milestone_pk)
    form = MilestoneForm(request.POST or None, instance=milestone, project=project)
    if request.method == "POST" and form.is_valid():
        try:
            milestone = services.milestone_update(
                milestone=milestone,
                user=request.user,
                version=form.cleaned_data.get("version"),
                **_milestone_fields(form),
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, f"已保存节点：{milestone.name}")
            return redirect("milestones", pk=project.pk)
    return render(
        request,
        "projects/milestone_form.html",
        {"form": form, "project": project, "milestone": milestone},
    )
