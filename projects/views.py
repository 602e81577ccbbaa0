from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.mixins import LoginRequiredMixin
from django.core.exceptions import ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from projects import services
from projects.access import project_for, require_office, visible_plans
from projects.filters import PlanFilter
from projects.forms import PlanForm, ProjectForm, ReplaceForm
from projects.tables import PlanTable


class ProjectListView(LoginRequiredMixin, SingleTableMixin, FilterView):
    """The project register: the chosen year's plan rows, filtered and sortable."""

    table_class = PlanTable
    filterset_class = PlanFilter
    template_name = "projects/project_list.html"
    paginate_by = 50

    def get_queryset(self):
        return visible_plans(self.request.user).select_related("project__unit")

    def get_filterset_kwargs(self, filterset_class):
        kwargs = super().get_filterset_kwargs(filterset_class)
        data = kwargs["data"].copy() if kwargs["data"] is not None else {}
        if not data.get("year"):
            data["year"] = str(timezone.localdate().year)
        kwargs["data"] = data
        return kwargs


@login_required
def project_edit(request, pk: int | None = None):
    """Create (no pk) or edit a project; the office keeps the register."""
    require_office(request.user)
    project = project_for(request.user, pk) if pk else None
    form = ProjectForm(request.POST or None, instance=project)
    if request.method == "POST" and form.is_valid():
        project = form.save()
        messages.success(request, f"已保存：{project.name}")
        return redirect("project_detail", pk=project.pk)
    return render(request, "projects/project_form.html", {"form": form, "project": project})


@login_required
def plan_add(request, pk: int):
    require_office(request.user)
    project = project_for(request.user, pk)
    form = PlanForm(request.POST or None, project=project)
    if request.method == "POST" and form.is_valid():
        plan = form.save()
        messages.success(request, f"已列入{plan.year}年度计划。")
        return redirect("project_detail", pk=project.pk)
    return render(request, "projects/plan_form.html", {"form": form, "project": project})


@login_required
def project_replace(request, pk: int):
    require_office(request.user)
    project = project_for(request.user, pk)
    form = ReplaceForm(request.POST or None)
    form.fields["replacement"].queryset = form.fields["replacement"].queryset.exclude(pk=project.pk)
    if request.method == "POST" and form.is_valid():
        try:
            services.project_replace(
                project=project, replacement=form.cleaned_data["replacement"], user=request.user
            )
        except ValidationError as error:
            form.add_error("replacement", error)
        else:
            messages.success(
                request, f"“{project.name}”已替换为“{form.cleaned_data['replacement'].name}”。"
            )
            return redirect("project_detail", pk=project.pk)
    return render(request, "projects/replace_form.html", {"form": form, "project": project})
