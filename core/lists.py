"""The list page: a FilterSet over the user's scope, a Table of one page, and its Excel export.

Every list (项目库, 督查督办, 资金申报, 安全审计 …) is one of these, so filtering, sorting,
paging and bad input behave alike on all of them:

- the queryset comes from the app's access helper (`get_queryset`): a filter only narrows it;
- a filter value that is not one of its choices is left out (``strict = False``) and named on
  the page by ``partials/filter_errors.html``;
- ``?page=abc`` is the first page and ``?page=999`` the last; ``?per_page=`` is read by
  `core.params.page_size`: a whole number from 1 is taken up to ``PER_PAGE_MAX`` (a larger
  one is clamped to it, said on the page), anything else is ignored (said too) and the list's
  own size shown. `paginate` does this for every table, a ListPage's and a function view's;
  django-tables2's ``RequestConfig`` is never given a page size to read from the query, as it
  would take ``-1`` (a 500) or a million. The table paginates, the view does not (no second
  COUNT query, no 404 for a page too far);
- ``?format=xlsx`` sends ``export(rows)`` for the filtered rows, written by `core/xlsx.py`.

Every table renders through templates/partials/table.html (``DJANGO_TABLES2_TEMPLATE``: column
headers that sort, ``?sort=-<column>`` descending, a sort starting again at page 1) and the one
pager, templates/partials/pager.html (the board's hand-made pages use it too). A page whose rows
are not a queryset of one model, or whose table is small and fixed, keeps a function view and
pages its table with `paginate` (the lag list, 督查记录, 通报, 数据变更记录); the rankings are
not paged nor sortable (a ranking is its order). A page's fixed parts (the dashboard, 我的待办,
the review page, the month form, a project's tables, a notice's and the briefing's tables,
which the PDF shares) stay templates: none of them filters, pages or sorts.
"""

from typing import TYPE_CHECKING, Generic, TypeVar, cast

from django.core.paginator import EmptyPage
from django.http import HttpRequest
from django_filters import FilterSet
from django_filters.views import FilterView
from django_tables2 import RequestConfig, SingleTableMixin, Table

from core.capabilities import CapabilityRequiredMixin, needs
from core.params import PER_PAGE_MAX, given, ignored, int_param, page_size

TableT = TypeVar("TableT", bound=Table)


def paginate(request: HttpRequest, table: TableT, *, per_page: int) -> TableT:
    """Sort ``table`` as the query asks (django-tables2) and show one page of it: ``per_page``
    rows unless ``?per_page=`` asks for another size (bounded by `page_size`, and said when
    it was not taken as asked)."""
    RequestConfig(request, paginate=False).configure(table)
    query, name = request.GET, table.prefixed_per_page_field
    asked = int_param(query, name, low=1)
    if asked is None and given(query, name):
        ignored(request, "每页条数", given(query, name), f"已按每页{per_page}条显示")
    elif asked is not None and asked > PER_PAGE_MAX:
        ignored(request, "每页条数", given(query, name), f"每页最多显示{PER_PAGE_MAX}条")
    number = int_param(query, table.prefixed_page_field, low=1) or 1
    try:
        table.paginate(per_page=page_size(query, default=per_page, name=name), page=number)
    except EmptyPage:  # a page past the last: the last
        table.page = table.paginator.page(table.paginator.num_pages)
    return table


if TYPE_CHECKING:
    from django.contrib.auth.base_user import AbstractBaseUser

# Who asks, as the app's page knows them: ``ListPage[User]`` (core names no app's model).
P = TypeVar("P", bound="AbstractBaseUser")


class ListPage(CapabilityRequiredMixin, SingleTableMixin, FilterView, Generic[P]):
    capabilities = needs("portfolio.view")  # a list page of business data, unless it says
    filterset_class: type[FilterSet]  # every list page names its own
    strict = False
    per_page = 50

    @property
    def user(self) -> P:
        """Who asks: always signed in here (CapabilityRequiredMixin), so never anonymous."""
        return cast(P, self.request.user)

    def get_table_pagination(self, table):
        return False  # `get_table` pages it, with a bounded ?per_page=

    def get_table(self, **kwargs):
        return paginate(self.request, super().get_table(**kwargs), per_page=self.per_page)

    def get(self, request, *args, **kwargs):
        if request.GET.get("format") == "xlsx" and hasattr(self, "export"):
            filterset = self.get_filterset(self.filterset_class)
            return self.export(filterset.qs)
        return super().get(request, *args, **kwargs)
