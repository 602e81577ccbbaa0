from django.contrib import admin
from django.contrib.auth import views as auth_views
from django.urls import include, path, re_path
from django.views.generic import RedirectView

from accounts.views import people, security
from accounts.views.sign_in import PasswordChangeView, session_renew
from core.capabilities import public
from projects.views import units

admin.site.site_header = "重点项目调度平台 · 系统管理"
admin.site.site_title = "系统管理"
admin.site.index_title = "运维（仅超级用户）"

urlpatterns = [
    path("login/", public(auth_views.LoginView.as_view()), name="login"),
    path("logout/", public(auth_views.LogoutView.as_view()), name="logout"),
    path("password/", PasswordChangeView.as_view(), name="password_change"),
    path("session/renew/", session_renew, name="session_renew"),
    path("admin/", admin.site.urls),
    path("account/pending/", security.account_pending, name="account_pending"),
    # 账号管理 first: the system administrator's home is the first page it may open (home_for)
    path("people/", people.people_list, name="people_list"),
    path("people/new/", people.account_new, name="account_new"),
    path("people/<int:pk>/active/", people.account_active, name="account_active"),
    path("people/<int:pk>/reset/", people.account_reset, name="account_reset"),
    path(
        "people/<int:pk>/reset/request/",
        people.account_reset_request,
        name="account_reset_request",
    ),
    path(
        "people/resets/<int:pk>/withdraw/",
        people.account_reset_withdraw,
        name="account_reset_withdraw",
    ),
    path("people/import/", people.reporters_upload, name="reporters_upload"),
    path("people/import/template/", people.reporters_template, name="reporters_template"),
    path(
        "people/import/<uuid:job_id>/passwords/",
        people.reporters_passwords,
        name="reporters_passwords",
    ),
    path("units/", units.unit_list, name="unit_list"),
    path("units/new/", units.unit_edit, name="unit_create"),
    path("units/<int:pk>/", units.unit_edit, name="unit_edit"),
    path("units/<int:pk>/merge/", units.unit_merge_page, name="unit_merge"),
    path("security/users/", security.security_users, name="security_users"),
    path("security/users/<int:pk>/", security.security_user_change, name="security_user_change"),
    path("security/resets/<int:pk>/", security.security_reset_decide, name="security_reset_decide"),
    path("backup/", include("backup.urls")),
    path("audit/", include("audit.urls")),
    path("audit/history/", include("history.urls")),
    path("projects/", include("projects.urls")),
    path("ledger/", include("ledger.urls")),
    path("jobs/", include("jobs.urls")),
    path("opendata/", include("opendata.urls")),
    path("upstream/", include("upstream.urls")),
    path("funds/", include("bonds.urls")),
    path("promotion/", include("promotion.urls")),
    path("batches/", include("batches.urls")),
    # 通报 were at /supervision/notices/… while `investment` routes them: bookmarks still work.
    re_path(
        r"^supervision/notices/(?P<rest>.*)$",
        # public: only a redirect; the page it leads to checks who may see it
        public(RedirectView.as_view(url="/notices/%(rest)s", permanent=True, query_string=True)),
    ),
    path("supervision/", include("supervision.urls")),
    path("", include("investment.urls")),
]
