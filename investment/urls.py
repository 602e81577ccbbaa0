from django.urls import path

from investment.views import briefing as briefing_pages
from investment.views import figures as figure_pages
from investment.views import month as month_pages
from investment.views import notices, review
from investment.views import overruns as overrun_pages
from investment.views import overview as overview_pages
from investment.views import quality as quality_pages
from investment.views import warning_rules as warning_pages
from investment.views import year_settings as settings_pages

urlpatterns = [
    path("", overview_pages.dashboard, name="dashboard"),
    path("rankings/", figure_pages.rankings, name="rankings"),
    path("settings/year/", settings_pages.year_settings, name="year_settings"),
    path("warnings/", figure_pages.lag_page, name="lag_warnings"),
    path("board/", figure_pages.board_page, name="board"),
    path("overruns/", overrun_pages.overrun_list, name="overruns"),
    path("settings/warnings/", warning_pages.warning_rules, name="warning_rules"),
    path("settings/quality/", quality_pages.quality_rules, name="quality_rules"),
    path("quality/", quality_pages.quality_flags, name="quality_flags"),
    path("reports/<int:year>/<int:month>/send/", quality_pages.report_send, name="report_send"),
    path("reports/<int:pk>/quality/", quality_pages.report_quality, name="report_quality"),
    path("flags/<int:pk>/explain/", quality_pages.flag_explain_view, name="flag_explain"),
    path("flags/<int:pk>/accept/", quality_pages.flag_accept_view, name="flag_accept"),
    path("reports/", month_pages.current_reporting_month, name="report_current"),
    path("reports/<int:year>/<int:month>/", month_pages.report_month, name="report_month"),
    path("review/", review.current_review_month, name="review_current"),
    path("review/<int:year>/<int:month>/", review.review_month, name="review_month"),
    path("review/<int:year>/<int:month>/lock/", review.period_lock, name="period_lock"),
    path("review/<int:year>/<int:month>/unlock/", review.period_unlock, name="period_unlock"),
    path(
        "review/<int:year>/<int:month>/return/",
        review.reports_return_unit,
        name="reports_return_unit",
    ),
    path("reports/<int:pk>/photos/", month_pages.report_photos, name="report_photos"),
    path("photos/<int:pk>/delete/", month_pages.photo_delete, name="photo_delete"),
    path("photos/<int:pk>/<str:kind>/", month_pages.photo_file, name="photo_file"),
    path("reports/<int:pk>/approve/", review.report_approve, name="report_approve"),
    path(
        "review/<int:year>/<int:month>/approve/",
        review.reports_approve,
        name="reports_approve",
    ),
    path("reports/<int:pk>/return/", review.report_return, name="report_return"),
    path("briefing/", briefing_pages.briefing, name="briefing"),
    path("briefing/pdf/", briefing_pages.briefing_pdf, name="briefing_pdf"),
    path("projects/<int:pk>/sheet.pdf", briefing_pages.project_sheet_pdf, name="project_sheet_pdf"),
    # Notices live with the figures they combine; the model is supervision's (see notices.py).
    path("notices/", notices.notice_list, name="notice_list"),
    path("notices/new/", notices.notice_create, name="notice_create"),
    path("notices/<int:pk>/", notices.notice_detail, name="notice_detail"),
    path("notices/<int:pk>/pdf/", notices.notice_pdf, name="notice_pdf"),
]
