"""What the data-quality rules read that lives in `projects`: a project's 总投资 and a plan
row's 年度计划投资 and 实际开(复)工日期. `projects` knows no other app (docs/architecture.md),
so investment listens: a project or plan row saved through its forms and services has its
reports judged again (`investment.services.quality`). The ledger import writes in bulk, without these
signals, and judges the projects it touched itself (`ledger.services.importer.Importer.judge_quality`)."""

from django.db.models.signals import post_save
from django.dispatch import receiver

from investment.models import MonthlyReport
from investment.services import quality
from projects.models import AnnualPlan, Project


@receiver(post_save, sender=Project)
def project_saved(sender, instance: Project, created: bool, **kwargs) -> None:
    if not created:  # a new project has no reports yet
        quality.judge(MonthlyReport.objects.filter(plan__project=instance))


@receiver(post_save, sender=AnnualPlan)
def plan_saved(sender, instance: AnnualPlan, created: bool, **kwargs) -> None:
    if not created:
        quality.judge(MonthlyReport.objects.filter(plan__project_id=instance.project_id))
