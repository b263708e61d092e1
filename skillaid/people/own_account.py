"""The person's own account (本人账户): opening codes, opening it, and signing in with the ID number.

Two ways open an account. Staff open it (the county clerk who keeps the person in the
ledger, or the officer who has them on a class roster) and hand over a one-time password;
or staff issue a one-time code (on the roster slip, on the person's page, by SMS; the
class sign-in page shows one after a first sign-in) and the person opens the account at
/me/open/ with their ID number, name and that code, choosing their own password.

A person signs in with their ID number and password: the account's username is not the
number (usernames are stored and logged in clear), and `login_name` turns a typed ID
number into the username through the ID number's blind index before the login form, and
django-axes' lockout, see it.
"""

from __future__ import annotations

import datetime as dt
import functools
import hashlib
from collections.abc import Callable
from typing import TypeVar

from axes.utils import reset as axes_reset
from django.conf import settings
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from stdnum.cn import ric

from skillaid.accounts.capabilities import InScope, require
from skillaid.accounts.models import Action, Channel, Role, User, audit
from skillaid.accounts.sms import SmsError, send_sms
from skillaid.accounts.users import initial_password
from skillaid.lib import idnumber, onetimecode, phones
from skillaid.lib.names import same_name

from .models import AccountCode, AccountOpenFailure, Person, PersonAccount, sealer
from .passwords import refuse_id_number

T = TypeVar("T")

# How a code reached the person (AccountCode.via).
VIA_SLIP = "花名册开通单"
VIA_PAGE = "人员页面"
VIA_SMS = "短信"
VIA_SIGN_IN = "首次签到"

# Said for every wrong try at the opening page, whatever was wrong: it must not tell
# whether an ID number is known, nor which of the three did not match.
WRONG = (
    "身份证号、姓名或开通码不正确，或开通码已失效。"
    "请核对后重试；如仍不行，请向培训机构或县（区）人社部门重新领取开通码。"
)
TOO_MANY = "本机尝试次数过多，请一小时后再试。"
# The actor name of entries written by the public opening page.
OPEN_PAGE = "本人账户开通页面"


RACED = "同一人员的开通码或账户正被另一操作处理，请刷新页面后查看结果"


def _one_at_a_time(service: Callable[..., T]) -> Callable[..., T]:
    """Two hands on one person's account at once (a double-clicked button, the person
    opening while a clerk opens): the second meets a uniqueness rule of the database (one
    account per person, one live code per person) and gets a refusal that says so."""

    @functools.wraps(service)
    def guarded(*args: object, **kwargs: object) -> T:
        try:
            return service(*args, **kwargs)
        except IntegrityError as exc:
            raise ValidationError(RACED) from exc

    return guarded


def _key() -> bytes:
    return hashlib.sha256(b"skillaid.people.AccountCode:" + settings.SECRET_KEY.encode()).digest()


def _subject(person: Person) -> str:
    return f"person:{person.pk}"


def account_of(person: Person) -> PersonAccount | None:
    return PersonAccount.objects.filter(person=person).select_related("user").first()


def person_of(user: User) -> Person | None:
    """The person a signed-in person's account belongs to; None for any other user."""
    if not user.is_authenticated or user.role != Role.PERSON:
        return None
    link = PersonAccount.objects.filter(user=user).select_related("person__county").first()
    return link.person if link else None


def username_for(person: Person) -> str:
    return f"person-{person.pk}"


def live_code(person: Person) -> AccountCode | None:
    code = AccountCode.objects.filter(
        person=person, used_at__isnull=True, voided_at__isnull=True
    ).first()
    return code if code is not None and code.live() else None


# ---- codes -------------------------------------------------------------------------------


def _may_open(actor: User, person: Person, via: InScope | None, *, password: bool = False) -> None:
    """The actor may act on this person's account: a clerk for a person in their ledger
    (`via` is the person), an officer for a trainee on their own roster (`via` is the
    roster line, which names the person).

    A roster line counts only once the county bureau has approved its class (the line says so
    through `vouches_for_account()`): a line typed on a draft proves nothing of who trains
    there. And a password (opening with one, or a reset) is given only by the bureau of the
    person's own county, from the person's page: a roster never lets anyone learn a usable
    password of someone else's account."""
    via = via if via is not None else person
    require(actor, "person_account.open", via)
    if via is person:
        return
    if getattr(via, "person_id", None) != person.pk:
        raise ValidationError("该学员不在这个花名册上")
    if password:
        raise ValidationError(
            "初始密码只能由本人户籍所在县（区）的人社局在人员页面发放；培训机构请为学员签发开通码"
        )
    vouches = getattr(via, "vouches_for_account", None)
    if vouches is None or not vouches():
        raise ValidationError("培训班经县（区）人社局批准后，才能为花名册上的学员签发开通码")


def _issue(*, person: Person, actor: User | None, via: str, channel: str, note: str = "") -> str:
    """A new live code for `person` (voiding any earlier one), logged without the code."""
    if PersonAccount.objects.filter(person=person).exists():
        raise ValidationError(f"{person.name}已开通本人账户，无需开通码")
    now = timezone.now()
    AccountCode.objects.filter(person=person, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=now
    )
    code = onetimecode.generate()
    row = AccountCode.objects.create(
        person=person,
        digest=onetimecode.digest(_key(), code, _subject(person)),
        issued_at=now,
        issued_by=actor,
        via=via,
        expires_at=now + dt.timedelta(days=settings.SKILLAID_ACCOUNT_CODE_DAYS),
    )
    audit(
        actor=actor,
        actor_name=None if actor else "学员签到页面",
        channel=channel,
        action=Action.CODE_ISSUE,
        object_type=row,
        person_id=person.pk,
        changes={"via": [None, via], "expires_at": [None, row.expires_at.isoformat()]},
        note=(note or f"签发本人账户开通码（{via}）")[:255],
    )
    return code


@_one_at_a_time
@transaction.atomic
def code_issue(
    *,
    actor: User,
    person: Person,
    via_obj: InScope | None = None,
    via: str = VIA_PAGE,
    channel: str = Channel.PAGE,
) -> str:
    """A one-time code for `person`, to be shown once to `actor` and handed over."""
    _may_open(actor, person, via_obj)
    return _issue(person=person, actor=actor, via=via, channel=channel)


@_one_at_a_time
@transaction.atomic
def codes_issue_for_roster(
    *, actor: User, lines: list, channel: str = Channel.PAGE
) -> list[tuple[object, str | None]]:
    """Codes for the roster lines (each with `.person`) whose person has no account yet:
    [(line, code or None when they have an account)], for the printed slip."""
    out: list[tuple[object, str | None]] = []
    opened = set(
        PersonAccount.objects.filter(person__in=[line.person_id for line in lines]).values_list(
            "person_id", flat=True
        )
    )
    for line in lines:
        _may_open(actor, line.person, line)
        if line.person_id in opened:
            out.append((line, None))
        else:
            out.append(
                (line, _issue(person=line.person, actor=actor, via=VIA_SLIP, channel=channel))
            )
    return out


def _sms_body(person: Person, code: str) -> str:
    return (
        f"【技能帮扶】{person.name}您好，您的本人账户开通码为 {onetimecode.display(code)}，"
        f"{settings.SKILLAID_ACCOUNT_CODE_DAYS}天内有效，仅可使用一次。请在“开通本人账户”页面"
        "凭身份证号、姓名和开通码设置密码。请勿将开通码告诉他人。"
    )


@_one_at_a_time
@transaction.atomic
def code_send_sms(
    *, actor: User, person: Person, via_obj: InScope | None = None, channel: str = Channel.PAGE
) -> str:
    """Issue a code and send it to the person's own phone; returns the masked number.

    The message goes through the SMS backend (accounts.sms); the log records that a code
    was sent and to which masked number, never the code. A refused message undoes the code.
    """
    _may_open(actor, person, via_obj)
    if not person.phone:
        raise ValidationError("该人员没有登记手机号，不能发送短信")
    masked = phones.mask(person.phone)
    code = _issue(
        person=person,
        actor=actor,
        via=VIA_SMS,
        channel=channel,
        note=f"签发本人账户开通码并以短信发送至 {masked}",
    )
    try:
        send_sms(person.phone, _sms_body(person, code))
    except SmsError as exc:
        raise ValidationError(f"短信未能发送：{exc}") from exc
    return masked


def code_send_at_sign_in(*, person: Person) -> str:
    """After the person's first valid sign-in to a class: what the sign-in page tells them
    about opening their own account, or "" when they have one.

    The code itself never shows on the sign-in page: anyone who knew the person's ID number
    and name and saw the classroom's code could sign in first and read it. It goes by SMS to
    the phone in the ledger; a code already issued (a roster slip, an earlier message) stays
    the one to use."""
    # Read afresh: the sign-in's record carries only what the sign-in needed of the person.
    person = Person.objects.get(pk=person.pk)
    if PersonAccount.objects.filter(person=person).exists():
        return ""
    if live_code(person) is not None:
        return "您已有开通码（见培训机构发放的开通单或短信），请凭开通码开通本人账户。"
    if not person.phone:
        return "请向培训机构或县（区）人社局索取开通码，凭开通码开通本人账户。"
    masked = phones.mask(person.phone)
    try:
        with transaction.atomic():
            code = _issue(
                person=person,
                actor=None,
                via=VIA_SIGN_IN,
                channel=Channel.PAGE,
                note=f"首次签到后签发本人账户开通码，以短信发送至 {masked}",
            )
            send_sms(person.phone, _sms_body(person, code))
    except (ValidationError, IntegrityError, SmsError):
        return "请向培训机构或县（区）人社局索取开通码，凭开通码开通本人账户。"
    return f"开通码已以短信发送至 {masked}，请凭短信中的开通码开通本人账户。"


# ---- opening -----------------------------------------------------------------------------


def _new_user(person: Person) -> User:
    user = User(
        username=username_for(person),
        role=Role.PERSON,
        full_name=person.name,
        region=None,
    )
    return user


def check_password(password: str, person_name: str, id_number: str = "") -> None:
    """The password policy (settings.AUTH_PASSWORD_VALIDATORS) for an account not yet made,
    with the typed ID number in place of the person it will be linked to."""
    password_validation.validate_password(password, User(username="", full_name=person_name))
    refuse_id_number(password, id_number)


@_one_at_a_time
@transaction.atomic
def account_open_by_staff(
    *, actor: User, person: Person, via_obj: InScope | None = None, channel: str = Channel.PAGE
) -> tuple[User, str]:
    """Open the account with a one-time password, which the person changes at first login."""
    _may_open(actor, person, via_obj, password=True)
    if PersonAccount.objects.filter(person=person).exists():
        raise ValidationError(f"{person.name}已开通本人账户")
    user = _new_user(person)
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.save()
    _link(
        user=user,
        person=person,
        actor=actor,
        channel=channel,
        note="经办人员开通本人账户，已发放初始密码",
    )
    return user, password


@transaction.atomic
def account_reset_by_staff(
    *, actor: User, person: Person, via_obj: InScope | None = None, channel: str = Channel.PAGE
) -> str:
    """A forgotten password: a new one-time password, which the person changes at the next
    login; their sessions end and a lock from wrong tries is lifted."""
    _may_open(actor, person, via_obj, password=True)
    link = PersonAccount.objects.filter(person=person).first()
    if link is None:
        raise ValidationError(f"{person.name}尚未开通本人账户")
    user = User.objects.select_for_update().get(pk=link.user_id)
    password = initial_password()
    user.set_password(password)
    user.must_change_password = True
    user.session_epoch = F("session_epoch") + 1
    user.save()
    axes_reset(username=user.username)
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=link,
        person_id=person.pk,
        note="经办人员重置本人账户密码（须在下次登录时修改）",
    )
    return password


def _link(
    *, user: User, person: Person, actor: User | None, channel: str, note: str
) -> PersonAccount:
    link = PersonAccount.objects.create(user=user, person=person, opened_by=actor)
    AccountCode.objects.filter(person=person, used_at__isnull=True, voided_at__isnull=True).update(
        voided_at=timezone.now()
    )
    audit(
        actor=actor or user,
        channel=channel,
        action=Action.ACCOUNT_OPEN,
        object_type=link,
        person_id=person.pk,
        changes={"user": [None, user.username]},
        note=note,
    )
    return link


def open_refused(address: str) -> bool:
    """Whether the address has failed too often in the last hour."""
    since = timezone.now() - dt.timedelta(hours=1)
    return (
        AccountOpenFailure.objects.filter(address=address, at__gte=since).count()
        >= settings.SKILLAID_ACCOUNT_OPEN_FAILURES_PER_HOUR
    )


def _failed(*, address: str, person: Person | None, code: AccountCode | None, why: str) -> None:
    """Count the failure for the address and, when the number was a person's with a live
    code, against that code (void after too many); log it, never with what was typed."""
    with transaction.atomic():
        now = timezone.now()
        AccountOpenFailure.objects.filter(at__lt=now - dt.timedelta(days=1)).delete()
        AccountOpenFailure.objects.create(address=address[:45], at=now)
        voided = False
        if code is not None:
            code.failures += 1
            if code.failures >= settings.SKILLAID_ACCOUNT_CODE_TRIES:
                code.voided_at = now
                voided = True
            code.save(update_fields=["failures", "voided_at"])
        audit(
            actor=None,
            actor_name=OPEN_PAGE,
            channel=Channel.PAGE,
            action=Action.OPEN_FAILED,
            object_type=code if code is not None else "people.accountcode",
            person_id=person.pk if person else None,
            changes={"address": address},
            note=(why + ("；输错次数已满，开通码作废" if voided else ""))[:255],
        )


@_one_at_a_time
def account_open_with_code(
    *, id_number: str, name: str, code: str, password: str, address: str
) -> User:
    """The person opens their own account: ID number, name and a live code that was issued
    to that person, and a password of the policy. Any mismatch is one refusal (WRONG) that
    says nothing of which part was wrong, counted per code and per address."""
    if open_refused(address):
        raise ValidationError(TOO_MANY)
    number = idnumber.normalise(str(id_number or ""))[0].upper()
    # The password first, against what was typed: its errors then tell nothing of the code.
    try:
        check_password(password, name, number)
    except ValidationError as exc:
        raise ValidationError({"password": exc.messages}) from exc
    person = None
    if len(number) == 18 and number[:17].isdigit() and ric.calc_check_digit(number) == number[17]:
        person = Person.objects.with_id_number(number).first()
    row = live_code(person) if person is not None else None
    if person is None or row is None:
        _failed(address=address, person=person, code=None, why="身份证号无对应的有效开通码")
        raise ValidationError(WRONG)
    if not same_name(name, person.name):
        # Counted for the address only: someone who knows just the ID number must not be
        # able to void the person's code by typing wrong names.
        _failed(address=address, person=person, code=None, why="姓名不符")
        raise ValidationError(WRONG)
    if not onetimecode.matches(_key(), code, _subject(person), row.digest):
        _failed(address=address, person=person, code=row, why="开通码不符")
        raise ValidationError(WRONG)
    with transaction.atomic():
        row = AccountCode.objects.select_for_update().get(pk=row.pk)
        if not row.live() or PersonAccount.objects.filter(person=person).exists():
            raise ValidationError(WRONG)
        user = _new_user(person)
        user.set_password(password)
        user.save()
        row.used_at = timezone.now()
        row.save(update_fields=["used_at"])
        _link(
            user=user,
            person=person,
            actor=None,
            channel=Channel.PAGE,
            note=f"本人凭开通码开通账户（{row.via}签发，来自 {address}）"[:255],
        )
    return user


# ---- signing in with the ID number -------------------------------------------------------


def login_name(typed: str) -> str | None:
    """The username to sign in as, for a typed ID number (registered with accounts.forms).

    A number with an account gives its username; a number without one gives a stand-in
    made of its place code and blind index, so that failed tries count against it in django-axes without
    the number itself being stored there. Anything else is left as typed (None).
    """
    number = idnumber.normalise(str(typed or ""))[0].upper()
    if len(number) != 18 or not number[:17].isdigit():
        return None
    if User.objects.filter(username=typed).exists():
        return None
    person_ids = list(Person.objects.with_id_number(number).values_list("pk", flat=True)[:1])
    if person_ids:
        username = (
            PersonAccount.objects.filter(person_id=person_ids[0])
            .values_list("user__username", flat=True)
            .first()
        )
        if username:
            return username
    # The place code (shown in every masked number) and the keyed index: the login log keeps
    # the first characters of a failed name, as for any other.
    return f"{number[:6]}#{sealer().index(number)[:16]}"
