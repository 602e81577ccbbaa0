"""导入填报员: a sheet of reporters, checked whole, created all or none, roles not granted."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError

from projects.models import Unit, User
from projects.people_import import HEADERS, reporters_import
from tests.workbooks import xlsx

pytestmark = pytest.mark.django_db


def sheet(*rows, headers=HEADERS) -> bytes:
    return xlsx({"填报员": [headers, *rows]})


@pytest.fixture
def units(cast):
    cast.housing, cast.township  # noqa: B018
    Unit.objects.create(name="县城市管理局")


def test_a_good_file_creates_accounts_without_roles_asking_for_their_units(cast, units):
    data = sheet(["zhangsan", "张三", 13900000011, "县住建局"], ["lisi", "李四", "", "营盘镇"])

    preview = reporters_import(user=cast.admin, data=data, dry_run=True)
    assert [r.username for r in preview.file.reporters] == ["zhangsan", "lisi"]
    assert not User.objects.filter(username__in=["zhangsan", "lisi"]).exists()

    done = reporters_import(user=cast.admin, data=data, dry_run=False)

    accounts = {account.username: account for account, _ in done.created}
    assert accounts["zhangsan"].phone == "13900000011"
    assert {a.role for a in accounts.values()} == {User.Role.NONE}  # 三员: not granted yet
    assert {a.unit for a in accounts.values()} == {None}
    assert accounts["lisi"].requested_unit == cast.township
    assert all(a.must_change_password and a.check_password(p) for a, p in done.created)


def test_every_bad_row_is_named_and_nothing_is_created(cast, units):
    cast.reporter  # noqa: B018  # "reporter" is taken
    data = sheet(
        ["zhangsan", "张三", "", "县住建局"],
        ["reporter", "李娟二", "", "县住建局"],
        ["ZhangSan", "张三二", "", "县住建局"],
        ["wangwu", "", "abc", "县住建局"],
        ["zhaoliu", "赵六", "", "城管局"],
        ["sunqi", "孙七", "", "下梁镇"],
        ["", "周八", "", ""],
    )

    done = reporters_import(user=cast.admin, data=data, dry_run=False)

    assert done.file.problems == [
        "填报员!3: 用户名: 用户名“reporter”已被使用",
        "填报员!4: 用户名: “ZhangSan”与第2行重复",
        "填报员!5: 姓名: 不能为空",
        "填报员!5: 手机号: 手机号“abc”格式不正确，应为11位手机号或带区号的电话",
        "填报员!6: 所属单位: 没有名为“城管局”的责任单位（最接近的：县城市管理局）",
        "填报员!7: 所属单位: 没有名为“下梁镇”的责任单位（请核对名称，或先在“责任单位”页面新增）",
        "填报员!8: 用户名: 不能为空",
        "填报员!8: 所属单位: 不能为空",
    ]
    assert done.created == []
    assert not User.objects.filter(username="zhangsan").exists()


@pytest.mark.parametrize("phone", ["1390000000", "139000000012", "23900000001", "0551-123"])
def test_a_phone_that_is_neither_a_mobile_nor_a_desk_line_is_refused(cast, units, phone):
    checked = reporters_import(
        user=cast.admin, data=sheet(["zs", "张三", phone, "县住建局"]), dry_run=True
    )
    assert [p.split("，")[0] for p in checked.file.problems] == [
        f"填报员!2: 手机号: 手机号“{phone}”格式不正确"
    ]


@pytest.mark.parametrize(
    "phone", ["13900000001", "0551-1234567", "05511234567", "0551-1234567-801"]
)
def test_a_mobile_or_a_desk_line_with_its_area_code_is_taken(cast, units, phone):
    data = sheet(["zs", "张三", phone, "县住建局"])
    assert reporters_import(user=cast.admin, data=data, dry_run=True).file.problems == []


def test_a_sheet_without_the_headers_is_refused_naming_them(cast, units):
    done = reporters_import(
        user=cast.admin, data=sheet(["a", "b"], headers=["用户名", "名字"]), dry_run=True
    )
    assert done.file.problems == [
        "填报员!1: 表头: 缺少“姓名”“手机号”“所属单位”列（表头应为：用户名、姓名、手机号、所属单位）"
    ]


def test_an_empty_sheet_is_refused(cast, units):
    assert reporters_import(user=cast.admin, data=sheet(), dry_run=True).file.problems == [
        "填报员: 表中没有填报员（第2行起每行一人）"
    ]


def test_a_file_that_is_not_excel_is_refused(cast):
    with pytest.raises(ValidationError, match="不是有效的Excel文件"):
        reporters_import(user=cast.admin, data=b"name,unit\n", dry_run=True)


@pytest.mark.parametrize("who", ["officer", "security"])
def test_only_the_system_administrator_imports_reporters(cast, units, who):
    with pytest.raises(PermissionDenied):
        reporters_import(
            user=getattr(cast, who), data=sheet(["a1", "甲", "", "县住建局"]), dry_run=True
        )
