"""年度设置's reads: the ranking with the typed settings beside the one in force (the one
ranking rule, run twice), the period it is compared at, and the history of the year's changes."""

from datetime import date
from decimal import Decimal

from django.db import connection
from django.test.utils import CaptureQueriesContext

from investment.models import YearSettings
from investment.rules.periods import Period
from investment.selectors.rankings import unit_ranking
from investment.services.year_settings import (
    settings_history,
    settings_preview,
    year_settings_save,
)
from tests.builders import year_settings
from tests.investment.weights_county import (
    DEFAULT_ORDER,
    NEW_ORDER,
    NEW_WEIGHTS,
)

TODAY = date(2026, 12, 3)
DEFAULTS = year_settings()
NEW = DEFAULTS | NEW_WEIGHTS | {"list_size": 2}


def moves_by_unit(preview):
    return {move.unit: move for move in preview.moves}


def month_judged(year: int, today: date) -> int | None:
    judged = Period.due_on(today).judged_in(year)
    return None if judged is None else judged.month


def test_it_compares_at_the_years_latest_due_month():
    assert month_judged(2024, TODAY) == 12  # a year that is over: its December
    assert month_judged(2026, TODAY) == 10  # 3 December: November is due on the 5th
    assert month_judged(2026, date(2026, 12, 6)) == 11
    assert month_judged(2027, TODAY) is None  # nothing of 2027 is due yet


def test_the_new_weights_move_units_up_and_down(weights_county):
    preview = settings_preview(Period.due_on(TODAY), year=2024, values=NEW)

    assert (preview.year, preview.month) == (2024, 12)
    assert [s.unit for s in preview.before.units] == DEFAULT_ORDER
    assert [m.unit for m in preview.moves] == NEW_ORDER
    moves = moves_by_unit(preview)
    assert (moves["县住建局"].before.rank, moves["县住建局"].after.rank) == (5, 3)
    assert moves["县住建局"].places == 2  # ↑2
    assert moves["营盘镇"].places == -2  # ↓2
    assert moves["城关镇"].places == 0
    assert (moves["县住建局"].before.score, moves["县住建局"].after.score) == (
        Decimal("75.00"),
        Decimal("85.00"),
    )
    assert {m.unit for m in preview.moved} == {"营盘镇", "县交通局", "县农业农村局", "县住建局"}


def test_it_names_who_enters_and_leaves_the_red_and_black_lists(weights_county):
    preview = settings_preview(Period.due_on(TODAY), year=2024, values=NEW)

    changes = {m.unit: m.list_change for m in preview.list_changes}
    assert changes == {"营盘镇": "退出红榜", "县住建局": "退出黑榜"}
    assert [s.unit for s in preview.after.red_list] == ["城关镇", "县交通局"]
    assert [s.unit for s in preview.after.black_list] == ["县农业农村局", "县水利局"]


def test_the_preview_is_the_ranking_the_saved_settings_then_give(cast, weights_county):
    preview = settings_preview(Period.due_on(TODAY), year=2024, values=NEW)

    year_settings_save(year=2024, user=cast.officer, **NEW, expected_version=0)
    ranking = unit_ranking(Period.of(2024, 12, today=TODAY))

    assert [(s.unit, s.score) for s in ranking.units] == [
        (m.unit, m.after.score) for m in preview.moves
    ]
    assert [s.unit for s in ranking.black_list] == [s.unit for s in preview.after.black_list]


def test_the_preview_saves_nothing(weights_county):
    settings_preview(Period.due_on(TODAY), year=2024, values=NEW)

    assert not YearSettings.objects.exists()


def test_a_later_due_day_counts_more_reports_on_time(weights_county):
    """I5 is judged again for the whole year with the new due day."""

    preview = settings_preview(Period.due_on(TODAY), year=2024, values=DEFAULTS | {"due_day": 2})

    # on-time units sent on the 3rd: with the 2nd as the due day every report is late
    moves = moves_by_unit(preview)
    assert moves["县住建局"].before.reports_on_time == 12
    assert moves["县住建局"].after.reports_on_time == 0


def test_a_list_larger_than_half_is_cut_and_said(weights_county):
    preview = settings_preview(Period.due_on(TODAY), year=2024, values=DEFAULTS | {"list_size": 5})

    assert preview.list_cut
    assert preview.after.list_size == 3


def test_a_year_with_no_month_due_has_no_preview(cast):
    assert settings_preview(Period.due_on(TODAY), year=2027, values=NEW) is None


def test_the_preview_costs_the_same_queries_whatever_the_county(weights_county):
    with CaptureQueriesContext(connection) as queries:
        settings_preview(Period.due_on(TODAY), year=2024, values=NEW)

    # the year's settings, then each ranking's four grouped queries (plan rows, reports,
    # milestones, findings) plus the due day's settings for the period
    assert len(queries) <= 12, [q["sql"] for q in queries]


def test_the_history_lists_each_change_newest_first_with_old_and_new_values(cast):
    first = year_settings_save(year=2026, user=cast.officer, **NEW, expected_version=0)
    year_settings_save(
        year=2026, user=cast.second_officer, **NEW | {"due_day": 8}, expected_version=1
    )
    year_settings_save(  # saved unchanged: no line
        year=2026, user=cast.officer, **NEW | {"due_day": 8}, expected_version=2
    )

    history = settings_history(2026)

    assert [(c.who, c.first) for c in history] == [("李干事", False), ("王科长", True)]
    assert history[0].changes == ["报送截止日：5 → 8"]
    assert history[1].changes == [
        "投资完成权重：50 → 30",
        "按时报送权重：5 → 25",
        "红黑榜各列单位数：3 → 2",
    ]
    assert first.version == 1
    assert settings_history(2025) == []
