"""The model history (django-simple-history) of the domain tables, for the auditor and for
telling a user what changed when their form was stale."""

from django.db.models import QuerySet

from bonds.models import FundApplication
from investment.models import MonthlyReport, ReportingPeriod, YearSettings
from projects.models import AnnualPlan, Milestone, Project, Unit, User
from supervision.models import Finding

# key: (model, label)
HISTORY_MODELS = {
    "report": (MonthlyReport, "月度报表"),
    "project": (Project, "项目"),
    "plan": (AnnualPlan, "年度计划"),
    "milestone": (Milestone, "项目节点"),
    "fund": (FundApplication, "资金申报"),
    "finding": (Finding, "督查问题"),
    "period": (ReportingPeriod, "月份锁定"),
    "settings": (YearSettings, "年度设置"),
    "unit": (Unit, "责任单位"),
    "user": (User, "用户"),
}


def history_rows(table: str) -> QuerySet:
    model, _ = HISTORY_MODELS[table]
    return model.history.select_related("history_user").order_by("-history_date", "-history_id")
