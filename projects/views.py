from django.contrib.auth.mixins import LoginRequiredMixin
from django.utils import timezone
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from projects.access import visible_plans
from projects.filters import PlanFilter
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
