"""Eight clerks pressing 报送 at once on a file SQLite database with the real settings.

Run by `test_sqlite_concurrent_writes.py` in a subprocess, because the suite's own SQLite
database lives in memory, where locking works differently from the file a county runs on.
Prints one JSON object: the status of every request and the reports written.
"""

import json
import os
import sys
import threading

CLERKS = 8
ROUNDS = 5


def main(path: str) -> None:
    os.environ["DATABASE_URL"] = f"sqlite:///{path}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "config.settings")
    import django

    django.setup()
    from django.core.management import call_command
    from django.db import connection
    from django.test import Client
    from django.urls import reverse

    from investment.models import MonthlyReport
    from projects.models import AnnualPlan, Unit, User
    from tests.workbooks import a_portfolio, load

    call_command("migrate", verbosity=0)
    load(a_portfolio(40, 2026))
    units = list(Unit.objects.order_by("name"))
    clerks = []
    for number in range(CLERKS):
        unit = units[number % len(units)]
        user = User.objects.create_user(f"clerk{number}", role=User.Role.REPORTER, unit=unit)
        plans = list(AnnualPlan.objects.filter(project__unit=unit).order_by("pk"))
        clerks.append((number, user, plans))
    connection.close()
    start = threading.Barrier(CLERKS)
    statuses: list[int] = []
    errors: list[str] = []

    def press_submit(number, user, plans):
        client = Client(raise_request_exception=False)
        client.force_login(user)
        start.wait()
        try:
            for round_ in range(ROUNDS):
                versions = dict(
                    MonthlyReport.objects.filter(plan__in=plans, month=3).values_list(
                        "plan_id", "version"
                    )
                )
                data = {
                    "form-TOTAL_FORMS": len(plans),
                    "form-INITIAL_FORMS": len(plans),
                    "action": "submit" if round_ == ROUNDS - 1 else "save",
                }
                for i, plan in enumerate(plans):
                    data |= {
                        f"form-{i}-plan": plan.pk,
                        f"form-{i}-version": versions.get(plan.pk, 0),
                        f"form-{i}-amount": f"{number}.{round_}",
                        f"form-{i}-progress": "",
                        f"form-{i}-problems": "",
                        f"form-{i}-problem_category": "",
                    }
                response = client.post(reverse("report_month", args=[2026, 3]), data)
                statuses.append(response.status_code)
        except Exception as error:  # a crash in the thread is a failure to report, not hide
            errors.append(repr(error))
        finally:
            connection.close()

    threads = [threading.Thread(target=press_submit, args=clerk) for clerk in clerks]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=300)
    print(
        json.dumps(
            {
                "statuses": statuses,
                "errors": errors,
                "reports": MonthlyReport.objects.filter(month=3).count(),
                "plans": AnnualPlan.objects.count(),
                "journal_mode": connection.cursor().execute("PRAGMA journal_mode").fetchone()[0],
            }
        )
    )


if __name__ == "__main__":
    main(sys.argv[1])
