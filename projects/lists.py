"""The list page: a FilterSet over the user's scope, a Table of one page, and its Excel export.

Every list (项目库, 督查督办, 资金申报, 安全审计 …) is one of these, so filtering, sorting,
paging and bad input behave alike on all of them:

- the queryset comes from the app's access helper (`get_queryset`): a filter only narrows it;
- a filter value that is not one of its choices is left out (``strict = False``) and named on
  the page by ``partials/filter_errors.html``;
- ``?page=abc`` is the first page and ``?page=999`` the last (django-tables2's silent paging);
  the table paginates, the view does not (no second COUNT query, no 404 for a page too far);
- ``?format=xlsx`` sends ``export(rows)`` for the filtered rows, written by `projects/xlsx.py`.
"""

from typing import cast

from django_filters import FilterSet
from django_filters.views import FilterView
from django_tables2 import SingleTableMixin

from projects.capabilities import CapabilityRequiredMixin, needs
from projects.models import User


class ListPage(CapabilityRequiredMixin, SingleTableMixin, FilterView):
    capabilities = needs("portfolio.view")  # a list page of business data, unless it says
    filterset_class: type[FilterSet]  # every list page names its own
    strict = False
    per_page = 50

    @property
    def user(self) -> User:
        """Who asks: always signed in here (CapabilityRequiredMixin), so never anonymous."""
        return cast(User, self.request.user)

    def get_table_pagination(self, table):
        return {"per_page": self.per_page}

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx" and hasattr(self, "export"):
            filterset = self.get_filterset(self.filterset_class)
            return self.export(filterset.qs)
        return super().get(request, *args, **kwargs)
