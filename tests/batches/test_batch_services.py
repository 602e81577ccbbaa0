"""The office keeps the batches: created, edited (saved unchanged → nothing written; from an
old form → refused naming the change), projects listed and removed, each step in the history
and the audit trail; a unit's reporter may not."""

from datetime import date

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from audit.models import AuditEntry
from batches.models import Batch, BatchEntry, Kind
from batches.services import batch_save, entries_add, entry_remove, entry_save
from history.selectors import describe
from tests.batches.helpers import a_batch, listed, projects


def test_a_batch_saved_unchanged_writes_nothing(cast):
    batch = a_batch(cast.officer, note="省发改委通知")
    entries = AuditEntry.objects.count()

    batch_save(user=cast.officer, batch=batch, expected_version=batch.version,
               name="2026年第二期", year=2026, quarter=2, note="省发改委通知")  # fmt: skip

    batch.refresh_from_db()
    assert batch.version == 1 and batch.history.count() == 1
    assert AuditEntry.objects.count() == entries + 1  # the action, saying it changed nothing


def test_an_edit_from_an_old_form_is_refused_naming_the_change(cast):
    batch = a_batch(cast.officer)
    batch_save(user=cast.second_officer, batch=batch, expected_version=1,
               name="2026年第二期", year=2026, quarter=2, note="已下达")  # fmt: skip

    with pytest.raises(ValidationError) as refused:
        batch_save(user=cast.officer, batch=batch, expected_version=1,
                   name="2026年第2期", year=2026, quarter=2)  # fmt: skip

    assert "已被李干事于" in refused.value.messages[0]
    assert "备注：空 → 已下达" in refused.value.messages[0]
    assert Batch.objects.get().name == "2026年第二期"


def test_two_batches_may_not_share_a_name(cast):
    a_batch(cast.officer)

    with pytest.raises(ValidationError, match="已有同名的期次"):
        a_batch(cast.officer, quarter=3)


@pytest.mark.parametrize(
    ("values", "reason"),
    [({"name": " "}, "请填写期次名称"), ({"quarter": 5}, "季度应为一至四季度"),
     ({"year": 1999}, "年度应为")],
)  # fmt: skip
def test_a_batch_needs_a_name_a_year_and_a_quarter(cast, values, reason):
    with pytest.raises(ValidationError, match=reason):
        a_batch(cast.officer, **values)


def test_a_project_is_listed_once_under_a_kind_and_may_be_under_another(cast):
    batch = a_batch(cast.officer)
    (project,) = projects([{}])
    listed(cast.officer, batch, Kind.SIGN, [project])

    listed(cast.officer, batch, Kind.START, [project])
    with pytest.raises(ValidationError, match="项目1已列入本期次的“签约”"):
        listed(cast.officer, batch, Kind.SIGN, [project])

    assert BatchEntry.objects.count() == 2


def test_a_target_date_is_changed_and_a_listing_removed_with_history(cast):
    batch = a_batch(cast.officer)
    (entry,) = listed(cast.officer, batch, Kind.START, projects([{}]), target=date(2026, 6, 30))

    entry_save(user=cast.officer, entry=entry, target_date=date(2026, 5, 31), expected_version=1)
    entry_remove(user=cast.officer, entry=entry)

    assert not BatchEntry.objects.exists()
    records = list(BatchEntry.history.order_by("history_id"))
    assert [r.history_type for r in records] == ["+", "~", "-"]
    assert set(describe("batch_entry", records).values()) == {"2026年第二期 · 开工 · 项目1"}
    assert describe("batch", list(Batch.history.all())) == {
        r.history_id: "2026年第二期" for r in Batch.history.all()
    }


def test_a_reporter_may_read_but_not_keep_batches(cast):
    with pytest.raises(PermissionDenied):
        a_batch(cast.reporter)
    batch = a_batch(cast.officer)
    with pytest.raises(PermissionDenied):
        entries_add(user=cast.reporter, batch=batch, kind=Kind.SIGN, projects=projects([{}]))


def test_the_auditor_reads_each_step_in_the_change_record(client, cast):
    batch = a_batch(cast.officer)
    listed(cast.officer, batch, Kind.SIGN, projects([{}]))
    client.force_login(cast.auditor)

    for table, name in (("batch", "2026年第二期"), ("batch_entry", "2026年第二期 · 签约 · 项目1")):
        page = client.get(reverse("data_history"), {"table": table}).content.decode()
        assert name in page and ">office<" in page  # the office, by its user name


def test_a_target_date_before_the_batchs_year_is_refused_and_nothing_listed(cast):
    batch = a_batch(cast.officer)  # 2026年第二期
    some = projects([{}, {}])

    with pytest.raises(ValidationError) as refused:
        listed(cast.officer, batch, Kind.START, some, target=date(2025, 12, 31))
    first_day = listed(cast.officer, batch, Kind.START, some[:1], target=date(2026, 1, 1))

    assert refused.value.messages == [
        "目标日期2025-12-31早于期次所在的2026年，请填写2026年1月1日或以后的日期。"
    ]
    assert [entry.project for entry in BatchEntry.objects.all()] == [some[0]]
    with pytest.raises(ValidationError, match="目标日期2025-06-30早于期次所在的2026年"):
        entry_save(user=cast.officer, entry=first_day[0], target_date=date(2025, 6, 30),
                   expected_version=1)  # fmt: skip
    first_day[0].refresh_from_db()
    assert (first_day[0].target_date, first_day[0].version) == (date(2026, 1, 1), 1)
