"""What one action changed, written down by the saves themselves: the audit entry's data.

A service that changes data is one action (`audit.services.audited`): it opens a journal, and
every row its saves write through `core.versioning` (`save_changes`, `save_recorded`,
`delete_recorded`) is noted here as it is written, with the fields it changed, old → new, as a
clerk reads them. The service may add a sentence of its own (`note`: a reason, a file's name,
what a merge moved). When the action ends, the audit trail keeps the journal with the entry,
inside the action's transaction.

Core keeps the journal, not the audit trail, so that the one versioned save can note what it
writes without naming any app. Outside an action nothing is noted; inside `quiet()` neither
(what a save sets off by itself, such as the data-quality flags a report's save judges again,
is in the model history, not in the person's action).
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import Any

from django.db import models

CREATED, CHANGED, DELETED = "created", "changed", "deleted"
KINDS = {CREATED: "新增", CHANGED: "修改", DELETED: "删除"}


@dataclass(frozen=True)
class FieldChange:
    field: str
    label: str
    old: str
    new: str

    def text(self) -> str:
        return f"{self.label}：{self.old} → {self.new}"


@dataclass
class Change:
    """One row an action wrote: which table, which row (by its name), how, and the fields."""

    table: str  # the model's name as people read it (月度报表)
    model: str  # its label (investment.monthlyreport)
    pk: Any
    record: str
    kind: str
    fields: list[FieldChange] = field(default_factory=list)

    def text(self) -> str:
        said = f"{KINDS[self.kind]}{self.table}“{self.record}”"
        if self.fields:
            said += "：" + "；".join(change.text() for change in self.fields)
        return said

    def data(self) -> dict[str, Any]:
        return {
            "table": self.table,
            "model": self.model,
            "id": self.pk,
            "record": self.record,
            "kind": self.kind,
            "fields": [vars(change) for change in self.fields],
        }


@dataclass
class Journal:
    changes: list[Change] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    quiet: bool = False

    def text(self) -> str:
        """The entry's 说明: the service's own sentences when it said any (what a merge moved,
        a reset's who and when), else each row written, field by field. The rows are in
        `data` either way."""
        if self.notes:
            return "\n".join(self.notes)
        return "\n".join(change.text() for change in self.changes)

    def data(self) -> dict[str, Any]:
        return {"notes": self.notes, "changes": [change.data() for change in self.changes]}


_current: ContextVar[Journal | None] = ContextVar("journal", default=None)


def current() -> Journal | None:
    """The journal of the action under way, if any."""
    return _current.get()


@contextmanager
def opened() -> Iterator[Journal]:
    """A journal for one action; the caller keeps it (`audit.services.audited`)."""
    journal = Journal()
    token = _current.set(journal)
    try:
        yield journal
    finally:
        _current.reset(token)


@contextmanager
def quiet() -> Iterator[None]:
    """What is saved in here is not the person's action (a consequence it sets off)."""
    journal = _current.get()
    if journal is None or journal.quiet:
        yield
        return
    journal.quiet = True
    try:
        yield
    finally:
        journal.quiet = False


def note(text: str) -> None:
    """A sentence of the service's own for the action's entry (a reason, a file's name)."""
    journal = _current.get()
    if journal is not None and text:
        journal.notes.append(text)


def wrote(instance: models.Model, kind: str, fields: list[FieldChange] | None = None) -> None:
    """``instance`` was written (``kind``), with the ``fields`` it changed."""
    journal = _current.get()
    if journal is None or journal.quiet:
        return
    meta = instance._meta
    journal.changes.append(
        Change(
            table=str(meta.verbose_name),
            model=meta.label_lower,
            pk=instance.pk,
            record=str(instance),
            kind=kind,
            fields=fields or [],
        )
    )


def recording() -> bool:
    """Whether a save's changes are noted now (the texts cost queries: skip them otherwise)."""
    journal = _current.get()
    return journal is not None and not journal.quiet
