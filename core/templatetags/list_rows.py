"""What `templates/partials/table.html` needs beyond django-tables2's own tags."""

from django import template
from django_tables2.utils import AttributeDict, computed_values

register = template.Library()


@register.filter
def row_attrs(row) -> str:
    """A row's own attributes (a table's ``row_attrs``, such as ``overdue-row``), without the
    ``odd``/``even`` class django-tables2 adds: our stylesheet does not stripe tables, and the
    markup stays what the pages had before they were tables."""
    attrs = computed_values(row.table.row_attrs, kwargs={"table": row.table, "record": row.record})
    return AttributeDict(attrs).as_html()
