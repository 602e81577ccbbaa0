"""Every download's file name, in Chinese, in one place.

Clerks and leaders keep these files in folders and forward them in chat groups, so a name says
what the file is and which period it covers (`2026年11月重点项目月度简报.pdf`), never
`briefing-2026-month-11.pdf`. The names reach the browser through `core.xlsx.
workbook_response`, `core.pdf.pdf_response` and `core.uploads.download`, all of which
use Django's `content_disposition_header` (RFC 6266 with an RFC 5987 `filename*` for
non-ASCII names). `filename_of` reads a name back from the header (for the audit trail).
"""

from datetime import date
from urllib.parse import unquote

from core.formatting import period_label
from core.models import PeriodKind


def _period(year: int, month: int, kind: str) -> str:
    """2026年11月 (a month file is named by its month, not 1–11月), 2026年三季度, 2026年度."""
    if kind == PeriodKind.MONTH:
        return f"{year}年{month}月"
    return period_label(year=year, kind=kind, month=month)


def briefing(*, year: int, month: int, kind: str) -> str:
    period = f"{year}年" if kind == PeriodKind.YEAR else _period(year, month, kind)
    return f"{period}重点项目{PeriodKind(kind).label}简报.pdf"


def project_sheet(*, code: str, year: int, month: int) -> str:
    return f"项目一页纸_{code}_{year}年{month}月.pdf"


def ledger(*, year: int | None = None) -> str:
    return f"{year}年重点项目台账.xlsx" if year else "重点项目台账.xlsx"


LEDGER_TEMPLATE = "重点项目台账模板.xlsx"
REPORTERS_TEMPLATE = "填报员导入模板.xlsx"
FUNDS = "资金申报台账.xlsx"
AUDIT_LOG = "安全审计日志.xlsx"
PROMOTION = "招商引资活动台账.xlsx"


def findings(*, today: date) -> str:
    return f"督查问题清单_{today:%Y-%m-%d}.xlsx"


def batches(*, year: int, month: int, kind: str) -> str:
    return f"{_period(year, month, kind)}三个一批完成情况.xlsx"


def rankings(*, year: int, month: int, kind: str) -> str:
    return f"{_period(year, month, kind)}考核排名.xlsx"


def lag_warnings(*, year: int, month: int) -> str:
    return f"{year}年{month}月滞后预警项目.xlsx"


def board(*, year: int, month: int) -> str:
    return f"{year}年{month}月挂图作战表.xlsx"


def timeline(*, year: int, month: int) -> str:
    return f"{year}年{month}月节点作战图.pdf"


def data_quality(*, year: int, month: int) -> str:
    return f"{year}年{month}月数据质量提示.xlsx"


def filename_of(disposition: str) -> str:
    """The file name in a Content-Disposition header, from `filename*` when present."""
    params = dict(
        part.strip().partition("=")[::2] for part in disposition.split(";")[1:] if "=" in part
    )
    if "filename*" in params:
        encoding, _, quoted = params["filename*"].partition("''")
        return unquote(quoted, encoding=encoding or "utf-8")
    return params.get("filename", "").strip('"')


def notice(*, title: str, number: str) -> str:
    """通报: its own title and number, as it is filed (关于…的通报（2026年第3期）.pdf)."""
    safe = "".join(ch for ch in title if ch not in '\\/:*?"<>|').strip() or "通报"
    return f"{safe}（{number}）.pdf"


def overruns(*, year: int, month: int) -> str:
    return f"{year}年{month}月超概算超工期项目.xlsx"


def opendata(*, year: int) -> str:
    """The year's OC4IDS project package (JSON)."""
    return f"{year}年重点项目开放数据_OC4IDS.json"


def upstream(*, title: str, year: int, month: int) -> str:
    """上报模板 filled for a month: 市重点项目进展表_2026年10月.xlsx (a title's slashes and the
    like, which no file name may hold, as _)."""
    safe = "".join("_" if ch in '\\/:*?"<>|' else ch for ch in title)
    return f"{safe}_{year}年{month}月.xlsx"
