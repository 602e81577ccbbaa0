"""The mapping's column lines are cheap to build: a template may have up to 1,000 columns, and a
forged post may claim a million (the formset stops at 1,000), so each line's form shares one set
of fields and one list of choices instead of deep-copying them, and behaves as before: the same
choices, the same cleaned values, each line's own errors."""

from unittest import mock

import django.forms.widgets
import django.utils.choices

from upstream.forms import ColumnForm, ColumnFormSet
from upstream.rules.fields import SOURCE_CHOICES


def posted(count: int, source: str = "code") -> dict[str, str]:
    data = {"col-TOTAL_FORMS": str(count), "col-INITIAL_FORMS": str(count)}
    for n in range(count):
        data |= {f"col-{n}-number": str(n + 1), f"col-{n}-version": "1",
                 f"col-{n}-source": source, f"col-{n}-text": ""}  # fmt: skip
    return data


def test_a_thousand_lines_normalize_the_choices_not_once_per_line():
    normalize = mock.Mock(wraps=django.utils.choices.normalize_choices)
    with mock.patch.object(django.forms.widgets, "normalize_choices", normalize):
        forms = ColumnFormSet(posted(1000) | {"col-TOTAL_FORMS": "1000000"}, prefix="col")
        lines = forms.errors  # every line built and cleaned

    assert len(lines) == 1000 and not any(lines)
    assert normalize.call_count == 0  # the widget's choices were normalized when declared


def test_the_lines_share_their_fields_but_not_their_errors():
    good, bad = (ColumnForm({"number": "1", "source": "code"}),
                 ColumnForm({"number": "2", "source": "no-such"}))  # fmt: skip

    assert good.fields["source"] is bad.fields["source"]
    assert good.fields is not bad.fields  # a form may still add a field of its own
    assert good.is_valid() and good.cleaned_data == {
        "number": 1,
        "version": None,
        "source": "code",
        "text": "",
    }
    assert not bad.is_valid() and bad.errors == {"source": ["请从列表中选择对应内容"]}
    assert good.errors == {}


def test_a_line_offers_every_source_and_the_fixed_texts_hint():
    html = str(ColumnForm(initial={"number": 3, "source": "plan"}))

    for value, label in SOURCE_CHOICES:
        assert f'value="{value}"' in html and label in html
    assert '<option value="plan" selected>' in html
    assert 'placeholder="固定文字，可用{年}{月}"' in html
