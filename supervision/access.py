"""Who may see and change findings and inspections.

A reporter sees only the findings assigned to their unit (another unit's finding is 404);
every other role reads them all. Inspections, assignments, 销号 and notices are the
supervision office's (督查办) work; answering a finding is the responsible unit's.
"""

from django.core.exceptions import PermissionDenied
from django.db.models import QuerySet
from django.shortcuts import get_object_or_404

from projects.models import User
from supervision.models import Evidence, Finding

SUPERVISION_ROLES = (User.Role.SUPERVISOR,)


def visible_findings(user: User) -> QuerySet[Finding]:
    findings = Finding.objects.all()
    if user.role == User.Role.REPORTER:
        findings = findings.filter(unit=user.unit_id)
    return findings


def finding_for(user: User, pk: int) -> Finding:
    return get_object_or_404(
        visible_findings(user).select_related("unit", "project", "inspection", "created_by"),
        pk=pk,
    )


def evidence_for(user: User, pk: int) -> Evidence:
    return get_object_or_404(
        Evidence.objects.filter(event__finding__in=visible_findings(user)), pk=pk
    )


def require_supervisor(user: User) -> None:
    if user.role not in SUPERVISION_ROLES:
        raise PermissionDenied("只有督查办可以进行此操作。")


def require_answering_unit(user: User, finding: Finding) -> None:
    """Only the responsible unit's reporter answers a finding."""
    if user.role != User.Role.REPORTER:
        raise PermissionDenied("整改情况由责任单位填报。")
    if user.unit_id != finding.unit_id:
        raise PermissionDenied("只能答复本单位的督查问题。")
