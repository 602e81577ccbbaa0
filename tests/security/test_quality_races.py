"""Data quality under concurrency (PostgreSQL): two officers pressing 全部通过 or 已核实 at
once, a reporter correcting while the office approves, two 报送 of the same month, the rules
saved while a reporter saves. No 500, nothing half-written, no flagged report approved before
its flags were examined."""

from decimal import Decimal

import pytest
from django.db import connection, transaction
from django.test import Client
from django.urls import reverse

from investment.models import MonthlyReport, QualityFlag, QualityRule
from investment.services import quality
from investment.services import reports as services
from tests.investment.test_quality_pages import the_flag
from tests.security.at_once import at_once, on_postgresql

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def county(cast, flagged_may_county):
    """test_quality_pages.py's county, a copy of the prebuilt one for this test alone (the
    races commit: tests/prebuilt.py)."""
    return cast


def _client(user) -> Client:
    client = Client(raise_request_exception=True)
    client.force_login(user)
    return client


def _no_flagged_report_approved() -> None:
    assert not MonthlyReport.objects.filter(
        status="approved", flags__status__in=QualityFlag.UNEXAMINED
    ).exists()


def test_two_officers_全部通过_at_once(county):
    on_postgresql()
    ids = list(
        MonthlyReport.objects.filter(month=5, status="submitted").values_list("pk", flat=True)
    )
    clients = [_client(county.officer), _client(county.second_officer)]

    def press(client):
        return lambda: (
            client.post(
                reverse("reports_approve", args=[2024, 5]), {"scope": "all", "shown": ids}
            ).status_code
        )

    assert set(at_once([press(c) for c in clients])) <= {302}
    _no_flagged_report_approved()
    assert the_flag().report.status == "submitted"
    assert MonthlyReport.objects.filter(month=5, status="approved").count() == 1


def test_two_officers_已核实_the_same_flag_at_once(county):
    on_postgresql()
    flag = the_flag()
    clients = [_client(county.officer), _client(county.second_officer)]

    def accept(client, note):
        return lambda: (
            client.post(
                reverse("flag_accept", args=[flag.pk]), {"note": note, "version": flag.version}
            ).status_code
        )

    assert at_once([accept(clients[0], "甲"), accept(clients[1], "乙")]) == [302, 302]
    flag.refresh_from_db()
    assert flag.status == "accepted" and flag.note in ("甲", "乙")
    assert flag.version == the_flag().version and flag.history.count() == 2  # created, accepted


def test_a_reporter_correcting_while_the_office_approves(county):
    on_postgresql()
    report = the_flag().report
    officer = _client(county.officer)
    reporter_self = county.reporter

    def approve():
        return officer.post(reverse("report_approve", args=[report.pk])).status_code

    def correct():
        try:
            services.report_save(plan=report.plan, month=5, user=reporter_self,
                                 amount=Decimal("450"), expected_version=report.version)  # fmt: skip
            return "saved"
        except Exception as error:  # refused: the report is submitted
            return type(error).__name__

    def accept_then_approve():
        flag = the_flag()
        officer.post(
            reverse("flag_accept", args=[flag.pk]), {"note": "核实", "version": flag.version}
        )
        return approve()

    results = at_once([accept_then_approve, correct, approve])
    assert results[0] in (302,) and results[2] in (302,)
    report.refresh_from_db()
    _no_flagged_report_approved()


def test_two_报送_of_the_same_month_at_once(county):
    on_postgresql()
    report = the_flag().report
    officer = _client(county.officer)
    officer.post(reverse("report_return", args=[report.pk]), {"reason": "请核实"})
    report.refresh_from_db()
    flags = list(QualityFlag.objects.filter(report=report))
    form = {"report": [report.pk], f"version-{report.pk}": report.version,
            "flag": [f.pk for f in flags]}  # fmt: skip
    form.update({f"explain-{f.pk}": "设备款" for f in flags})
    tabs = [_client(county.reporter), _client(county.reporter)]

    def send(client):
        return lambda: client.post(reverse("report_send", args=[2024, 5]), form).status_code

    assert set(at_once([send(t) for t in tabs])) <= {200, 302}
    report.refresh_from_db()
    assert report.status == "submitted"
    assert report.history.filter(status="submitted").count() == 2  # the first 报送 and this one


@pytest.mark.parametrize("round_", range(3))
def test_rules_saved_while_reporters_save_drafts(county, round_):
    on_postgresql()
    codes = QualityRule.Code.values
    form = {"rule-TOTAL_FORMS": len(codes), "rule-INITIAL_FORMS": len(codes),
            "rule-MIN_NUM_FORMS": 0, "rule-MAX_NUM_FORMS": 1000}  # fmt: skip
    for index, code in enumerate(codes):
        form.update({f"rule-{index}-rule": code, f"rule-{index}-version": 0,
                     f"rule-{index}-enabled": "on",
                     f"rule-{index}-threshold": "2" if code == "month_outlier" else ""})  # fmt: skip
    for rule in QualityRule.for_year(2024).values():
        if rule.has_threshold and rule.rule != "month_outlier":
            form[f"rule-{codes.index(rule.rule)}-threshold"] = rule.threshold_text
    plan = the_flag().report.plan
    officer = _client(county.officer)
    reporter = county.reporter

    def save_rules():
        return officer.post(reverse("quality_rules") + "?year=2024", form).status_code

    def save_draft(month):
        def job():
            report = MonthlyReport.objects.filter(plan=plan, month=month).first()
            services.report_save(plan=plan, month=month, user=reporter, amount=Decimal("9000"),
                                 expected_version=report.version if report else 0)  # fmt: skip
            return "saved"

        return job

    results = at_once([save_rules, save_draft(6), save_draft(7)])
    assert results[0] in (200, 302)
    assert connection.vendor == "postgresql"


@pytest.mark.parametrize("round_", range(5))
def test_two_judgings_of_the_same_report_at_once_make_one_flag(county, round_):
    """A rule save re-judging the year while a reporter's save re-judges the same project's
    later months: both find a flag missing and create it; one must win, neither fail."""
    on_postgresql()
    flag = the_flag()
    report_id = flag.report_id
    officer = county.officer
    QualityFlag.objects.filter(report_id=report_id).delete()

    def judge():
        with transaction.atomic():
            quality.judge(MonthlyReport.objects.filter(pk=report_id), user=officer)
        return "judged"

    assert at_once([judge, judge, judge]) == ["judged"] * 3
    assert QualityFlag.objects.filter(report_id=report_id, rule="month_outlier").count() == 1
