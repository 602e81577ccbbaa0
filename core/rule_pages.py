"""A year's rules edited as one formset, one line a rule: 预警规则, 数据质量规则 and 资金支出预警规则
(issue 24: one skeleton, not three copies).

`rules_page` does what the three pages share: the form shows the year's rules (saved, or the
defaults at version 0); a POST is checked by its forms and saved by the page's service in one
go, whose refusal is shown as its lines (a stale form's with a link back to the latest rules)
with everything typed kept; a save says what follows from it, an unchanged one that nothing was
written; then back to the year shown. What is each page's own is its `RulesPage`, its year
(the view reads it) and the rest of its context; its template extends
templates/partials/rules_page.html, which draws the heading, the year picker, the tabs, the
refusal, the form and the history.
"""

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.forms import BaseFormSet
from django.http import HttpRequest, HttpResponse, QueryDict
from django.shortcuts import redirect, render
from django.urls import reverse

from core.http import AuthenticatedRequest
from core.params import given, note_bad, year_param


@dataclass(frozen=True)
class RulesPage:
    """One rules page: ``name`` (预警规则) titles it and names it in its messages; ``kind`` heads
    the history's column naming a rule (预警指标); ``key`` is the form field naming a line's
    rule (its key in the year's rules); ``invalid`` is said when a line is not well formed;
    ``follows`` what a save changes (after "2026年预警规则已保存，")."""

    name: str
    kind: str
    url_name: str
    template: str
    formset: type[BaseFormSet]
    prefix: str
    key: str
    invalid: str
    follows: str
    initial: Callable[[Any], dict[str, Any]]  # a rule as its form line shows it
    entry: Callable[..., Any]  # the service's entry: a line's fields, and expected_version
    save: Callable[..., object]  # (year=, user=, rules=) → truthy when anything changed
    parse: Mapping[str, Callable[[Any], Any]] = field(default_factory=dict)  # a field's value
    meaning: Callable[[Any], str] = lambda rule: ""  # what a rule checks, in a clerk's words
    select_id: str = "rules-year"

    def entry_of(self, line: dict[str, Any]) -> Any:
        """A line's cleaned data as the service's entry: the form's ``version`` is the entry's
        ``expected_version``, a field of ``parse`` is read by its function (which may refuse)."""
        values = {name: self.parse.get(name, _same)(value) for name, value in line.items()}
        return self.entry(expected_version=values.pop("version"), **values)


def _same(value: Any) -> Any:
    return value


def shown_year(request: HttpRequest, query: QueryDict, *, default: int) -> int:
    """``query``'s ``year``, else ``default`` (the year of the period that is due, so the
    settings' tabs open at the same year, in January too); a value that is not a year is said
    to be ignored."""
    year = year_param(query)
    note_bad(request, "year", year, label="年度", instead=f"已显示{default}年", query=query)
    return default if year is None else year


def rules_year(request: HttpRequest, *, default: int) -> int:
    """The year a rules page shows: the address's, else the one its form posted, else
    ``default`` (`shown_year`)."""
    query = request.GET if given(request.GET, "year") else request.POST
    return shown_year(request, query, default=default)


def rules_page(
    request: AuthenticatedRequest,
    page: RulesPage,
    *,
    year: int,
    rules: Mapping[str, Any],
    context: dict[str, Any],
) -> HttpResponse:
    """The page of ``year``'s ``rules`` ({key: rule}, saved or default), or its POST saved."""
    errors: list[str] = []
    stale = False
    if request.method == "POST":
        formset = page.formset(request.POST, prefix=page.prefix)
        try:
            if not formset.is_valid():
                raise ValidationError(page.invalid)
            entries = [page.entry_of(form.cleaned_data) for form in formset]
            changed = page.save(year=year, user=request.user, rules=entries)
        except ValidationError as error:
            errors = error.messages
            stale = any(e.code == "stale" for e in error.error_list)
        else:
            messages.success(
                request,
                f"{year}年{page.name}已保存，{page.follows}"
                if changed
                else f"{page.name}没有改动，未保存新版本。",
            )
            return redirect(f"{reverse(page.url_name)}?year={year}")
    else:
        formset = page.formset(
            initial=[page.initial(rule) for rule in rules.values()], prefix=page.prefix
        )
    lines = [
        (form, rules[key], page.meaning(rules[key]))
        for form in formset
        if (key := form[page.key].value()) in rules
    ]
    return render(
        request,
        page.template,
        {
            "page": page,
            "year": year,
            "formset": formset,
            "lines": lines,
            "errors": errors,
            "stale": stale,
            "saved": any(rule.pk for rule in rules.values()),
            **context,
        },
    )
