"""Names (issue 22, item 10): one account and one unit per name as people see it.

A user name is kept NFKC and lower case: ｆｕｌｌ09 is full09 and signs in typed in any case
or width; Office, ＯＦＦＩＣＥ, CASE0 and Äbc are refused beside office, case0 and äbc, by
the service and by the database. Unit names and people's names lose invisible characters
(zero-width spaces, bidi controls) and are compared after NFKC, in the forms, the services,
导入填报员 and the ledger import. Runs on SQLite and on PostgreSQL (DATABASE_URL).
"""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.urls import reverse

from accounts.services.people import account_create
from accounts.services.people_import import HEADERS, reporters_import
from core.names import clean_name, username_key
from ledger.rules.reader import LedgerImportError
from projects.models import Unit, User
from projects.services.units import unit_save
from tests.builders import ledger
from tests.cast import PASSWORD
from tests.workbooks import code, xlsx

pytestmark = pytest.mark.django_db

ZERO_WIDTH = "\u200b"
HOUSING = "县住房和城乡建设局"
# U+202E RIGHT-TO-LEFT OVERRIDE … U+202C POP: shows 局建住县 for 县住建局.
BIDI = "\u202e县住建局\u202c"


# ---------------------------------------------------------------- the two functions


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        ("ｆｕｌｌ09", "full09"),
        ("ＯＦＦＩＣＥ", "office"),
        ("CASE0", "case0"),
        ("Äbc", "äbc"),
        (" Office ", "office"),
        ("İ", "i̇"),  # lower() gives i + U+0307; the key is stable under itself
    ],
)
def test_a_username_is_kept_nfkc_and_lower_case(typed, kept):
    assert username_key(typed) == kept
    assert username_key(kept) == kept


@pytest.mark.parametrize(
    ("typed", "kept"),
    [
        (HOUSING + ZERO_WIDTH, HOUSING),
        ("\ufeff县住建局", "县住建局"),  # a byte-order mark pasted from a file
        ("县住\u200d建局", "县住建局"),  # a zero-width joiner
        (BIDI, "县住建局"),
        ("县住建局\u2066\u2069", "县住建局"),  # isolate controls
        ("县住建局\x00\x07", "县住建局"),
        ("  县\u3000住建局\t\n", "县 住建局"),  # an ideographic space is a space
        ("ＡＢＣ公司", "ABC公司"),
        ("⼀中", "一中"),  # a Kangxi radical that looks like 一
        ("李\u00ad娟", "李娟"),  # a soft hyphen
    ],
)
def test_a_name_loses_invisible_characters_and_is_nfkc(typed, kept):
    assert clean_name(typed) == kept
    assert clean_name(kept) == kept


# ---------------------------------------------------------------- accounts


def test_a_full_width_username_is_kept_plain_and_signs_in_typed_any_way(client, cast):
    account, initial = account_create(
        user=cast.admin, username="ｆｕｌｌ09", name="全角", password=PASSWORD
    )
    assert account.username == "full09"

    for typed in ("ｆｕｌｌ09", "FULL09", "Full09", "full09"):
        client.logout()
        response = client.post(reverse("login"), {"username": typed, "password": PASSWORD})
        assert response.status_code == 302, typed


@pytest.mark.parametrize(
    ("existing", "typed"),
    [("office", "ｏｆｆｉｃｅ"), ("office", "Office"), ("case0", "CASE0"), ("äbc", "Äbc")],
)
def test_it_refuses_a_username_that_differs_only_in_case_or_width(cast, existing, typed):
    account_create(user=cast.admin, username=existing, name="先来")

    with pytest.raises(ValidationError) as refused:
        account_create(user=cast.admin, username=typed, name="后到")

    assert refused.value.messages == [
        f"用户名“{typed}”已被使用：与已有账号“{existing}”相同"
        "（用户名不区分大小写和全角、半角），请换一个用户名。"
    ]
    assert User.objects.filter(first_name="后到").count() == 0


def test_create_user_keeps_the_username_in_its_one_form():
    user = User.objects.create_user("ＣＡＳＥ0", password=PASSWORD)

    assert user.username == "case0"
    assert User.objects.get_by_natural_key("Case0") == user


@pytest.mark.parametrize("typed", ["CASE0", "Äbc"])
def test_saving_a_user_keeps_its_name_lower_case_and_unique(typed):
    User.objects.create_user(username_key(typed), password=PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        User(username=typed).save()  # past the service: save() folds it onto the taken name


def test_the_database_refuses_an_upper_case_username_written_past_save():
    user = User.objects.create_user("case0", password=PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(username="CASE0")


@pytest.mark.skipif(connection.vendor != "postgresql", reason="SQLite's LOWER() folds ASCII only")
def test_postgresql_refuses_a_non_ascii_upper_case_username_written_past_save():
    user = User.objects.create_user("äbc", password=PASSWORD)

    with pytest.raises(IntegrityError), transaction.atomic():
        User.objects.filter(pk=user.pk).update(username="Äbc")


def test_the_account_form_refuses_office_beside_office_in_chinese(client, cast):
    cast.officer  # noqa: B018  # "office"
    client.force_login(cast.admin)

    response = client.post(
        reverse("account_new"),
        {"username": "Office", "name": "王科长二", "password_mode": "generate"},
    )

    assert response.status_code == 200
    assert "与已有账号“office”相同（用户名不区分大小写和全角、半角）" in response.content.decode()
    assert User.objects.filter(username__iexact="office").count() == 1


def test_a_name_typed_with_invisible_characters_is_kept_without_them(cast):
    account, _ = account_create(user=cast.admin, username="lijuan2", name=f"李{ZERO_WIDTH}娟\u202e")

    assert account.first_name == "李娟"


def test_a_name_of_only_invisible_characters_is_refused(cast):
    with pytest.raises(ValidationError, match="请填写姓名"):
        account_create(user=cast.admin, username="blank", name=ZERO_WIDTH * 3)


def test_failures_typed_in_any_case_or_width_share_one_lockout_count(client):
    User.objects.create_user("office", password=PASSWORD, role=User.Role.OFFICER)
    for typed in ("ＯＦＦＩＣＥ", "Office", "OFFICE", "office"):
        response = client.post(reverse("login"), {"username": typed, "password": "Wrong#2026a"})
        assert response.status_code == 200

    fifth = client.post(reverse("login"), {"username": "oFfIcE", "password": "Wrong#2026a"})
    assert fifth.status_code == 429
    # Locked under the name as kept, whatever is typed next, even the right password.
    assert (
        client.post(reverse("login"), {"username": "office", "password": PASSWORD}).status_code
        == 429
    )


# ---------------------------------------------------------------- units


def test_it_refuses_a_zero_width_twin_of_a_unit_naming_the_existing_one(cast):
    existing = unit_save(user=cast.officer, name=HOUSING, kind="department", sort_order=10)

    with pytest.raises(ValidationError) as refused:
        unit_save(user=cast.officer, name=HOUSING + ZERO_WIDTH, kind="department", sort_order=20)

    assert refused.value.messages == [
        f"填写的单位名称与已有的责任单位“{HOUSING}”相同（只差不可见字符、空格或全角、半角），"
        "单位名称不能重复。"
    ]
    assert list(Unit.objects.values_list("pk", flat=True)) == [existing.pk]


def test_a_unit_renamed_to_another_units_full_width_name_is_refused(cast):
    unit_save(user=cast.officer, name="ABC产业园", kind="other", sort_order=10)
    other = unit_save(user=cast.officer, name="县城管局", kind="department", sort_order=20)

    with pytest.raises(ValidationError, match="已有的责任单位“ABC产业园”"):
        unit_save(user=cast.officer, unit=other, name="ＡＢＣ产业园", kind="other", sort_order=20)


def test_bidi_controls_are_taken_out_of_a_unit_name(cast):
    unit = unit_save(user=cast.officer, name=BIDI, kind="department", sort_order=10)

    assert unit.name == "县住建局"


def test_the_database_keeps_one_unit_whatever_path_saves_the_twin(cast):
    Unit.objects.create(name=HOUSING)

    with pytest.raises(IntegrityError), transaction.atomic():
        Unit.objects.create(name=HOUSING + ZERO_WIDTH)


def test_the_unit_form_names_the_unit_it_clashes_with(client, cast):
    Unit.objects.create(name=HOUSING)
    client.force_login(cast.officer)

    response = client.post(
        reverse("unit_create"),
        {"name": HOUSING + ZERO_WIDTH, "kind": "department", "sort_order": 20},
    )

    assert response.status_code == 200
    assert f"与已有的责任单位“{HOUSING}”相同" in response.content.decode()
    assert Unit.objects.count() == 1


# ---------------------------------------------------------------- the two imports


def test_the_people_import_reads_names_as_kept(cast):
    Unit.objects.create(name=HOUSING)
    data = xlsx({"填报员": [
        HEADERS,
        ["ｆｕｌｌ09", f"张{ZERO_WIDTH}三", "", HOUSING + ZERO_WIDTH],
        ["Lisi", "李四\u202e", "", HOUSING],
    ]})  # fmt: skip

    done = reporters_import(user=cast.admin, data=data, dry_run=False)

    assert done.file.problems == []
    kept = {(a.username, a.first_name, a.requested_unit.name) for a, _ in done.created}
    assert kept == {("full09", "张三", HOUSING), ("lisi", "李四", HOUSING)}


def test_the_people_import_refuses_a_username_taken_in_another_case_or_width(cast):
    cast.officer  # noqa: B018  # "office"
    cast.housing  # noqa: B018
    data = xlsx({"填报员": [
        HEADERS,
        ["ＯＦＦＩＣＥ", "王五", "", "县住建局"],
        ["case0", "赵六", "", "县住建局"],
        ["CASE0", "孙七", "", "县住建局"],
    ]})  # fmt: skip

    done = reporters_import(user=cast.admin, data=data, dry_run=False)

    assert done.file.problems == [
        "填报员!2: 用户名“ＯＦＦＩＣＥ”已被使用：与已有账号“office”相同"
        "（用户名不区分大小写和全角、半角），请换一个用户名",
        "填报员!4: 用户名: “CASE0”与填报员!3重复",
    ]
    assert not done.created


def test_a_ledger_row_naming_a_unit_with_a_zero_width_space_lands_on_the_unit(cast):
    unit = Unit.objects.create(name=HOUSING)

    result = ledger({"项目台账": [
        {"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": HOUSING + ZERO_WIDTH, "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 500, "年度": 2024, "年度计划投资(万元)": 500},
        {"项目代码": code(2), "项目名称": "城关保障房", "责任单位": f"\u202a{HOUSING}\u202c", "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 300, "年度": 2024, "年度计划投资(万元)": 300},
    ]})  # fmt: skip

    assert result.units_created == []
    assert list(Unit.objects.all()) == [unit]
    assert set(unit.projects.values_list("code", flat=True)) == {code(1), code(2)}


def test_a_ledger_cell_of_only_invisible_characters_is_refused(cast):
    with pytest.raises(LedgerImportError) as refused:
        ledger({"项目台账": [
            {"项目代码": code(1), "项目名称": "城关污水处理厂", "责任单位": ZERO_WIDTH, "项目级别": "县重点", "建设性质": "新建", "总投资(万元)": 500, "年度": 2024, "年度计划投资(万元)": 500},
        ]})  # fmt: skip

    assert [(p.column, p.reason) for p in refused.value.problems] == [
        ("责任单位", "只有不可见字符，请填写名称")
    ]
    assert not Unit.objects.exists()
