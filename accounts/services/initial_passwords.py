"""The initial passwords of a 导入填报员 run in the background, for the administrator who
confirmed it, once.

A page answering its own POST shows a password once and keeps it nowhere. A background job has
no page to answer, so it keeps them, sealed (`core.sealed`): the confirmation made a key pair,
gave the opening key to the administrator's browser alone (a cookie for the passwords' page,
never stored on the server) and the sealing key to the job. The job seals the user names and
passwords into a file of its own (``Job.result_file``) inside the import's transaction, so an
account exists only with its password sealed. Neither the job's row, nor the files, nor the
logs, nor the audit trail hold a password in clear, and the server cannot open the file
without that browser. The passwords' page opens it with the cookie, shows it and deletes it;
a file nobody opened goes with its job (``jobs.services.jobs_prune``); without its key it is
noise.
"""

import json
import posixpath
import re
from functools import partial

from django.core.exceptions import ValidationError
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils.crypto import constant_time_compare, salted_hmac

from audit.services import audited
from core import journal, sealed
from core.capabilities import require
from jobs.models import Job
from jobs.services import FILES_FOLDER, file_discard
from projects.models import User

# The opening key's cookie lives this long: after it the sealed file opens for nobody.
KEY_MAX_AGE = 24 * 3600
RESET_THEM = "请在“账号管理”中逐个重置这些账号的密码，新的初始密码会当场显示。"
SHOWN = f"这次导入的初始密码已经显示过一次，系统不再保存。如未记下，{RESET_THEM}"
NO_KEY = (
    "初始密码只能在确认导入的浏览器中查看（24小时内、一次）：本浏览器没有打开它的钥匙"
    f"（换了浏览器或电脑、清除了浏览记录，或已超过24小时）。{RESET_THEM}"
)


def _context(job: Job) -> bytes:
    return f"initial-passwords {job.pk}".encode()


# A sealed file's name: the attempt, then the first account's id and a mark of its password hash
# (`_mark`), so a run again can tell its own committed accounts' file from one sealed by a run
# that died before its commit (whose accounts were never made, or made by another job since).
SEALED_NAME = re.compile(r"^initial-passwords-\d+-(\d+)-([0-9a-f]{24})\.sealed$")


def _mark(job: Job, account_id: int, password_hash: str) -> str:
    return salted_hmac(_context(job).decode(), f"{account_id}:{password_hash}").hexdigest()[:24]


def passwords_seal(*, job: Job, sealing_key: str, created: list[tuple[User, str]]) -> str:
    """The accounts' user names and initial passwords, sealed into a file of ``job``'s (its
    path in storage): readable only with the opening key of ``sealing_key``."""
    secret = json.dumps([[account.username, password] for account, password in created])
    blob = sealed.seal(sealing_key, secret.encode(), context=_context(job))
    first = created[0][0] if created else None
    mark = f"{first.pk}-{_mark(job, first.pk, first.password)}" if first else "0-" + "0" * 24
    name = f"{FILES_FOLDER}/{job.pk}/initial-passwords-{job.attempts}-{mark}.sealed"
    return default_storage.save(name, ContentFile(blob))


def passwords_committed(*, job: Job, path: str) -> bool:
    """Whether the sealed file ``path`` holds the passwords of accounts that exist: its first
    account is there with the password hash it was sealed with (a run killed before its commit
    left a file of accounts rolled back; another job may have made them since, other passwords)."""
    named = SEALED_NAME.match(posixpath.basename(path))
    if named is None:
        return False
    account_id, mark = int(named[1]), named[2]
    hashed = User.objects.filter(pk=account_id).values_list("password", flat=True).first()
    return hashed is not None and constant_time_compare(_mark(job, account_id, hashed), mark)


@audited("查看导入填报员的初始密码")
@transaction.atomic
def passwords_open(*, user: User, job: Job, opening_key: str | None) -> list[tuple[User, str]]:
    """``job``'s accounts and their initial passwords, once: the file is taken from the job
    (a second opening, from another tab at the same moment too, is told they were shown) and
    deleted. A browser without the opening key is told how to go on, the file kept for the one
    that has it."""
    require(user, "accounts.keep")
    path = job.result_file
    if not path or not default_storage.exists(path):
        raise ValidationError(SHOWN)
    with default_storage.open(path, "rb") as stored:
        blob = stored.read()
    try:
        pairs = json.loads(sealed.unseal(opening_key, blob, context=_context(job)))
    except sealed.Unsealable:
        raise ValidationError(NO_KEY) from None
    if not Job.objects.filter(pk=job.pk, result_file=path).update(result_file=""):
        raise ValidationError(SHOWN)  # taken by another tab meanwhile
    # Deleted once taken for good: a request that dies before its commit leaves it to the next.
    transaction.on_commit(partial(file_discard, path))
    accounts = User.objects.select_related("requested_unit").in_bulk(
        [username for username, _ in pairs], field_name="username"
    )
    journal.note(f"显示{len(pairs)}个账号的初始密码（一次，随即删除）")
    return [(accounts[username], password) for username, password in pairs if username in accounts]
