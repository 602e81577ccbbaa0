"""Who may see and change findings and inspections.

A reporter sees only the findings assigned to their unit (another unit's finding is 404);
every other role reads them all (the scope of `portfolio.view` in `core.capabilities`).
Inspections, assignments, 销号 and notices are the supervision office's (督查办) work,
`supervision.keep`; answering a finding is the responsible unit's, `finding.answer`.

Each ``…_refusal(user, finding)`` below says why ``user`` may not do one action to ``finding``
now (None: they may): first the capability, then the finding's state. The finding page offers
an action exactly when its refusal is None, and the service refuses with the same words
(PermissionDenied for the capability, ValidationError for the state), so a page never offers
what the service refuses.
"""

from django.shortcuts import get_object_or_404

from core.capabilities import refusal, scoped
from projects.models import User
from supervision.models import Evidence, Finding, FindingQuerySet


def visible_findings(user: User) -> FindingQuerySet:
    return scoped(user, "portfolio.view", Finding.objects.all(), "unit")


def finding_for(user: User, pk: int) -> Finding:
    return get_object_or_404(
        visible_findings(user).select_related("unit", "project", "inspection", "created_by"),
        pk=pk,
    )


def evidence_for(user: User, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(event__finding__in=visible_findings(user)), pk=pk
    )


def answer_state_refusal(finding: Finding) -> str | None:
    if finding.is_closed:
        return "该问题已销号，无需再反馈。"
    if finding.status == Finding.Status.RECTIFIED:
        return "已报告整改完成，正在等待督查办验收；如需补充请等待退回。"
    return None


def answer_refusal(user: User, finding: Finding) -> str | None:
    """The unit's reporter answers while the finding is open or in progress."""
    return refusal(user, "finding.answer", finding) or answer_state_refusal(finding)


def review_state_refusal(finding: Finding, verb: str = "销号") -> str | None:
    if finding.is_closed:
        return "该问题已销号。"
    if finding.status != Finding.Status.RECTIFIED:
        return f"责任单位尚未报告整改完成，不能{verb}。"
    return None


def review_refusal(user: User, finding: Finding, verb: str = "销号") -> str | None:
    """销号 or 退回: the supervisor, once the unit has reported the rectification done."""
    return refusal(user, "supervision.keep", finding) or review_state_refusal(finding, verb)


def edit_state_refusal(finding: Finding) -> str | None:
    return "该问题已销号，不能再修改。" if finding.is_closed else None


def edit_refusal(user: User, finding: Finding) -> str | None:
    """修改: the supervisor, while the finding is not closed."""
    return refusal(user, "supervision.keep", finding) or edit_state_refusal(finding)


def move_refusal(user: User, finding: Finding) -> str | None:
    """转交: the supervisor, before the unit has answered (`Finding.move_refusal`)."""
    return refusal(user, "supervision.keep", finding) or finding.move_refusal or None
