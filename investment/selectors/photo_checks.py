"""The two photo rules of DESIGN.md §3's data-quality table, as plain reads the flag service
calls: ``reused_photos`` (``photo_reused``: the same picture sent for another report) and
``photos_dated_outside`` (``photo_date``: taken outside the month it reports). They flag
nothing themselves; each finding carries the message a clerk reads.

The hash search reads every stored hash in one ``values_list`` query of (id, report, hash)
and compares them in numpy (already installed for imagehash): neither SQLite nor PostgreSQL can
index a Hamming distance (PostgreSQL's ``bit_count`` would still scan every row, and SQLite has
none), and at county scale (tens of thousands of photos) the query reads a few hundred
kilobytes and each checked photo is one vectorised pass of well under a millisecond. The
matches are then read once with their project, so a report's check is three queries (its own
photos, the hashes, the matches) whatever the number of photos. ``reused_photos_by_report`` checks several
reports in that same single scan, for a caller that judges a whole month at once.
"""

import datetime
from collections.abc import Iterable
from dataclasses import dataclass

import numpy

from investment.models import MonthlyReport, ReportPhoto
from investment.rules.periods import due_date

DEFAULT_MAX_BITS = 4  # d in DESIGN.md §3


def _label(photo: ReportPhoto, position: int) -> str:
    """How a clerk finds the photo on the report: its caption, else its place among them."""
    return f"照片“{photo.caption}”" if photo.caption else f"第{position}张照片"


@dataclass(frozen=True)
class ReusedPhoto:
    """A photo of the report checked that matches a photo of another report."""

    photo_id: int  # of the report checked
    label: str  # 第2张照片 / 照片“北门基础施工”
    other_photo_id: int
    other_report_id: int
    other_project: str
    other_year: int
    other_month: int
    distance: int  # bits that differ, 0 … max_bits

    @property
    def message(self) -> str:
        where = f"{self.other_year}年{self.other_month}月“{self.other_project}”"
        if self.distance == 0:
            return f"{self.label}与{where}的照片相同"
        return f"{self.label}与{where}的照片几乎相同（相差{self.distance}位）"


@dataclass(frozen=True)
class MisdatedPhoto:
    """A photo whose EXIF capture date is outside its report's month and 报送 days."""

    photo_id: int
    label: str
    taken_on: datetime.date
    first_day: datetime.date  # the window the date should fall in, both ends included
    last_day: datetime.date

    @property
    def message(self) -> str:
        taken = f"{self.taken_on.year}年{self.taken_on.month}月{self.taken_on.day}日"
        month = f"{self.first_day.year}年{self.first_day.month}月"
        due = f"{self.last_day.month}月{self.last_day.day}日"
        return f"{self.label}拍摄于{taken}，不在{month}及报送期（至{due}）内"


def _numbered(report: MonthlyReport) -> list[tuple[ReportPhoto, str]]:
    photos = ReportPhoto.objects.filter(report=report).order_by("uploaded_at", "pk")
    return [(photo, _label(photo, n)) for n, photo in enumerate(photos, start=1)]


def reused_photos_by_report(
    reports: Iterable[MonthlyReport], *, max_bits: int = DEFAULT_MAX_BITS
) -> dict[int, list[ReusedPhoto]]:
    """``reused_photos`` for several reports with one scan of the photo hashes: report id →
    its findings (every report given has an entry, empty when nothing matched)."""
    checked = {report.pk: _numbered(report) for report in reports}
    found: dict[int, list[ReusedPhoto]] = {pk: [] for pk in checked}
    hashed = [
        (report_id, photo, label, photo.phash)
        for report_id, photos in checked.items()
        for photo, label in photos
        if photo.phash is not None
    ]
    if not hashed:
        return found
    rows = list(
        ReportPhoto.objects.filter(phash__isnull=False).values_list("pk", "report_id", "phash")
    )
    ids, report_ids, hashes = (
        numpy.array(column, dtype=numpy.int64) for column in zip(*rows, strict=True)
    )
    # (checked report, checked photo, its label, other photo id, distance) for each pair.
    pairs: list[tuple[int, ReportPhoto, str, int, int]] = []
    for report_id, photo, label, phash in hashed:
        bits = numpy.bitwise_count(hashes ^ numpy.int64(phash))
        for at in numpy.flatnonzero((bits <= max_bits) & (report_ids != report_id)):
            pairs.append((report_id, photo, label, int(ids[at]), int(bits[at])))
    others = ReportPhoto.objects.select_related("report__plan__project").in_bulk(
        {pair[3] for pair in pairs}
    )
    for report_id, photo, label, other_id, bits in pairs:
        other = others[other_id]
        found[report_id].append(
            ReusedPhoto(
                photo_id=photo.pk,
                label=label,
                other_photo_id=other_id,
                other_report_id=other.report_id,
                other_project=other.report.plan.project.name,
                other_year=other.report.plan.year,
                other_month=other.report.month,
                distance=bits,
            )
        )
    for findings in found.values():
        findings.sort(
            key=lambda f: (f.photo_id, f.distance, f.other_year, f.other_month, f.other_photo_id)
        )
    return found


def reused_photos(report: MonthlyReport, *, max_bits: int = DEFAULT_MAX_BITS) -> list[ReusedPhoto]:
    """Rule ``photo_reused``: for each photo of ``report``, every photo of another report (any
    project, any month) whose hash is within ``max_bits`` bits of it, closest first. Two photos
    of the same report are not a reuse; a photo without a hash (not backfilled) matches none."""
    return reused_photos_by_report([report], max_bits=max_bits)[report.pk]


def photo_window(report: MonthlyReport, *, due_day: int) -> tuple[datetime.date, datetime.date]:
    """The days a photo of ``report`` may be taken on: the first of its month through the due
    day of the next (DESIGN.md §3 "Due day"), both included."""
    year, month = report.plan.year, report.month
    return datetime.date(year, month, 1), due_date(year, month, due_day)


def photos_dated_outside(report: MonthlyReport, *, due_day: int) -> list[MisdatedPhoto]:
    """Rule ``photo_date``: the photos of ``report`` whose EXIF capture date falls outside
    ``photo_window`` (``due_day`` is the year's ``YearSettings.due_day``). A photo with no EXIF
    date (none sent, unreadable, or stored before dates were read) is not flagged."""
    first, last = photo_window(report, due_day=due_day)
    return [
        MisdatedPhoto(photo.pk, label, photo.taken_on, first, last)
        for photo, label in _numbered(report)
        if photo.taken_on is not None and not first <= photo.taken_on <= last
    ]
