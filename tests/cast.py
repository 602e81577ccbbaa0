"""The people of the test suite: one fixed cast, as a county has one set of accounts.

A test that needs "a reporter" or "the office" takes the ``cast`` fixture (tests/conftest.py)
and names the person: ``cast.reporter``, ``cast.officer``. Nobody else is made per test.

| attribute        | username     | 姓名   | role                    | unit   |
| ---------------- | ------------ | ------ | ----------------------- | ------ |
| `reporter`       | reporter     | 李娟   | 责任单位填报员          | 县住建局 (`housing`) |
| `other_reporter` | township     | 王强   | 责任单位填报员          | 营盘镇 (`township`)  |
| `officer`        | office       | 王科长 | 项目办                  |        |
| `second_officer` | office2      | 李干事 | 项目办                  |        |
| `supervisor`     | supervisor   | 赵督查 | 督查办                  |        |
| `leader`         | leader       | 周县长 | 县领导                  |        |
| `admin`          | admin        | 吴网管 | 系统管理员              |        |
| `security`       | security     | 郑保密 | 安全管理员              |        |
| `auditor`        | auditor      | 冯审计 | 审计管理员              |        |
| `newcomer`       | newcomer     | 陈新   | 未授权 (no role yet)    |        |

Everyone is made through ``User.objects.create_user``, the manager production uses, with the
one password ``PASSWORD``: the password's clock and history start as they do for a real
account, and anyone can sign in through the login form with it. ``must_change_password`` is
off (they are settled accounts, not new ones).

Any other unit's reporter is ``cast.reporter_of(unit)``, made the same way.

A person, and a unit, is made the first time a test names them: a test that never mentions
the leader has no leader, and a test that imports a ledger first finds the ledger's
县住建局 (a unit is looked up by name and made only if missing; so is a person, whom a
prebuilt county of tests/prebuilt.py may already hold).

Tests about accounts themselves (三员, password policy, lockout, sessions) still make their
own, as do tests that need people the cast does not have (a superuser, eight clerks at once).
"""

from functools import cached_property

from projects.models import Unit, User

PASSWORD = "Cast#2026kp"

HOUSING = "县住建局"
TOWNSHIP = "营盘镇"

Role = User.Role


class Cast:
    """The county's units and people, each made on first mention (one Cast per test)."""

    def __init__(self) -> None:
        self._unit_reporters: dict[int, User] = {}

    @cached_property
    def housing(self) -> Unit:
        """县住建局, a department: the reporter's unit."""
        return Unit.objects.get_or_create(name=HOUSING, defaults={"kind": Unit.Kind.DEPARTMENT})[0]

    @cached_property
    def township(self) -> Unit:
        """营盘镇, a township: the other reporter's unit."""
        return Unit.objects.get_or_create(name=TOWNSHIP, defaults={"kind": Unit.Kind.TOWNSHIP})[0]

    @cached_property
    def reporter(self) -> User:
        return person("reporter", "李娟", Role.REPORTER, unit=self.housing, phone="13900000001")

    @cached_property
    def other_reporter(self) -> User:
        return person("township", "王强", Role.REPORTER, unit=self.township, phone="13900000002")

    @cached_property
    def officer(self) -> User:
        return person("office", "王科长", Role.OFFICER)

    @cached_property
    def second_officer(self) -> User:
        return person("office2", "李干事", Role.OFFICER)

    @cached_property
    def supervisor(self) -> User:
        return person("supervisor", "赵督查", Role.SUPERVISOR)

    @cached_property
    def leader(self) -> User:
        return person("leader", "周县长", Role.LEADER)

    @cached_property
    def admin(self) -> User:
        return person("admin", "吴网管", Role.ADMIN)

    @cached_property
    def security(self) -> User:
        return person("security", "郑保密", Role.SECURITY)

    @cached_property
    def auditor(self) -> User:
        return person("auditor", "冯审计", Role.AUDITOR)

    @cached_property
    def newcomer(self) -> User:
        """An account as the system administrator makes one: it signs in and sees nothing."""
        return person("newcomer", "陈新", Role.NONE)

    def reporter_of(self, unit: Unit) -> User:
        """The reporter of ``unit``: the cast's own for 县住建局 and 营盘镇, and for any other
        unit (a ledger's 单位1, say) one made on first mention, "单位1填报员"."""
        if unit.name == HOUSING:
            return self.reporter
        if unit.name == TOWNSHIP:
            return self.other_reporter
        if unit.pk not in self._unit_reporters:
            self._unit_reporters[unit.pk] = person(
                f"reporter{unit.pk}", f"{unit.name}填报员", Role.REPORTER, unit=unit
            )
        return self._unit_reporters[unit.pk]

    def by_role(self, role: str) -> User:
        """The cast's person holding ``role`` (the 住建局 reporter for a reporter)."""
        return getattr(self, ROLE_PERSON[role])


ROLE_PERSON: dict[str, str] = {
    Role.REPORTER: "reporter",
    Role.OFFICER: "officer",
    Role.SUPERVISOR: "supervisor",
    Role.LEADER: "leader",
    Role.ADMIN: "admin",
    Role.SECURITY: "security",
    Role.AUDITOR: "auditor",
    Role.NONE: "newcomer",
}


def person(username: str, name: str, role: str, **extra) -> User:
    """The cast's ``username``: made now, or found in a prebuilt county that made them
    (tests/prebuilt.py)."""
    found = User.objects.filter(username=username).first()
    return found or User.objects.create_user(
        username, password=PASSWORD, first_name=name, role=role, **extra
    )
