"""Issuing, recording and verifying certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillaid.accounts.capabilities import can, require
from skillaid.accounts.models import Action, User, audit, audit_changes
from skillaid.catalogue.models import SkillLevel
from skillaid.lib.names import normalise, same_name
from skillaid.training.classes import certify_refusal
from skillaid.training.models import Completion, Enrolment, TrainingClass

from .models import NUMBER_PREFIX, Certificate, CertificateKind, Source

OUT_OF_SCOPE = "此人不在您的管辖范围内"


def next_number(kind: str, county: str, year: int) -> str:
    """`S2026450124000017`: kind letter, year, county code and a six-digit serial."""
    prefix = f"{NUMBER_PREFIX[CertificateKind(kind)]}{year}{county}"
    last = (
        Certificate.objects.filter(number__startswith=prefix, source=Source.ISSUED)
        .order_by("-number")
        .values_list("number", flat=True)
        .first()
    )
    serial = int(last[len(prefix) :]) + 1 if last and last[len(prefix) :].isdigit() else 1
    return f"{prefix}{serial:06d}"


def kind_for(level: str) -> str:
    if level == SkillLevel.SPECIALISED_ABILITY:
        return CertificateKind.SPECIALISED
    if level == SkillLevel.NONE:
        return CertificateKind.TRAINING
    return CertificateKind.SKILL_LEVEL


def certificates_issue(
    *, actor: User, training_class: TrainingClass, on: dt.date | None = None, channel: str = "page"
) -> list[Certificate]:
    """A certificate for every trainee of the class who completed and passed and has none from it yet."""
    c = training_class
    require(actor, "certificate.issue", c)
    refusal = certify_refusal(c)
    if refusal:
        raise ValidationError(refusal)
    on = on or timezone.localdate()
    kind = kind_for(c.level)
    due = (
        Enrolment.objects.filter(training_class=c, completion=Completion.COMPLETED, passed=True)
        .exclude(certificates__isnull=False)
        .select_related("person")
    )
    issued = []
    for enrolment in due:
        # A concurrent issue may take the same serial; the unique number makes it try the next.
        for _attempt in range(5):
            try:
                with transaction.atomic():
                    cert = Certificate.objects.create(
                        number=next_number(kind, c.county_id, on.year),
                        kind=kind,
                        person=enrolment.person,
                        holder_name=enrolment.person.name,
                        occupation=c.occupation,
                        occupation_name=c.occupation.name,
                        level=c.level,
                        issuer=c.institution.name,
                        issued_on=on,
                        enrolment=enrolment,
                        source=Source.ISSUED,
                        created_by=actor,
                    )
                break
            except IntegrityError:
                continue
        else:
            raise ValidationError("证书编号分配冲突，请重试")
        audit(
            actor=actor,
            channel=channel,
            action=Action.CREATE,
            object_type="evaluation.certificate",
            object_id=cert.pk,
            person_id=enrolment.person_id,
            changes={"number": [None, cert.number], "class": [None, c.pk]},
        )
        issued.append(cert)
    if not issued and not due.exists():
        raise ValidationError("没有需要发证的学员：只有已结业且考核合格、尚未发证的学员可以发证")
    return issued


def can_revoke(user: User, cert: Certificate) -> bool:
    """The issuing institution's officer for a certificate issued here; the human resources
    bureaus (county, city, region) and administrators for any certificate of a person
    in their scope (Certificate.within)."""
    return can(user, "certificate.revoke", cert)


@transaction.atomic
def certificate_revoke(
    *,
    actor: User,
    certificate: Certificate,
    reason: str,
    on: dt.date | None = None,
    channel: str = "page",
) -> Certificate:
    """Revoke (注销) a certificate from a date, with a reason; verification then says so."""
    cert = Certificate.objects.select_for_update().get(pk=certificate.pk)
    require(actor, "certificate.revoke", cert)
    today = timezone.localdate()
    on = on or today
    reason = " ".join(str(reason or "").split())
    errors = {}
    if cert.revoked_on:
        errors["revoked_on"] = f"该证书已于{cert.revoked_on:%Y-%m-%d}注销"
    elif on > today:
        errors["revoked_on"] = "注销日期不能晚于今天"
    elif on < cert.issued_on:
        errors["revoked_on"] = f"注销日期不能早于发证日期 {cert.issued_on:%Y-%m-%d}"
    if not reason:
        errors["revoked_reason"] = "请填写注销原因"
    elif len(reason) > 255:
        errors["revoked_reason"] = "注销原因不能超过255个字"
    if errors:
        raise ValidationError(errors)
    audit_changes(
        cert,
        {"revoked_on": on, "revoked_reason": reason},
        actor=actor,
        channel=channel,
        person_id=cert.person_id,
    )
    return cert


def mask_name(name: str) -> str:
    if len(name) <= 1:
        return name
    if len(name) == 2:
        return name[0] + "*"
    return name[0] + "*" * (len(name) - 2) + name[-1]


@dataclass(frozen=True)
class Verdict:
    genuine: bool
    message: str
    certificate: Certificate | None = None

    def public(self) -> dict:
        """What anyone may be told: nothing about the holder beyond a masked name."""
        out: dict = {"genuine": self.genuine, "message": self.message}
        if self.certificate is not None:
            cert = self.certificate
            out.update(
                number=cert.number,
                kind=cert.get_kind_display(),
                holder=mask_name(cert.holder_name),
                occupation=cert.occupation_name,
                level=cert.get_level_display(),
                issuer=cert.issuer,
                issued_on=cert.issued_on.isoformat(),
                revoked_on=cert.revoked_on.isoformat() if cert.revoked_on else None,
            )
        return out


def certificate_verify(number: str, name: str = "") -> Verdict:
    number = "".join(str(number or "").split()).upper()
    name = "".join(str(name or "").split())
    if not number:
        return Verdict(False, "请输入证书编号")
    cert = Certificate.objects.filter(number=number).first()
    if cert is None:
        return Verdict(False, f"查无此证书：编号“{number}”不存在")
    if name and not same_name(name, cert.holder_name):
        return Verdict(False, "证书编号与持证人姓名不符")
    if cert.revoked_on:
        return Verdict(False, f"该证书已于{cert.revoked_on:%Y-%m-%d}注销", cert)
    if name:
        return Verdict(True, "证书真实有效，持证人姓名相符", cert)
    return Verdict(True, "证书真实有效（未核对持证人姓名）", cert)


_KIND_BY_LABEL = {label: value for value, label in CertificateKind.choices}
_KIND_BY_LABEL.update(
    {
        "职业资格": CertificateKind.QUALIFICATION,
        "职业资格证": CertificateKind.QUALIFICATION,
        "技能等级": CertificateKind.SKILL_LEVEL,
        "职业技能等级": CertificateKind.SKILL_LEVEL,
        "技能等级证书": CertificateKind.SKILL_LEVEL,
        "专项职业能力": CertificateKind.SPECIALISED,
        "专项能力": CertificateKind.SPECIALISED,
        "专项职业能力证": CertificateKind.SPECIALISED,
        "培训合格": CertificateKind.TRAINING,
        "培训证书": CertificateKind.TRAINING,
        "培训合格证": CertificateKind.TRAINING,
    }
)


def parse_kind(raw: object) -> str:
    text = "".join(str(raw or "").split())
    if text in CertificateKind.values:
        return text
    if text in _KIND_BY_LABEL:
        return _KIND_BY_LABEL[text]
    raise ValueError(f"证书类型“{text}”无法识别（可填：{'、'.join(CertificateKind.labels)}）")


def can_import(user: User) -> bool:
    return can(user, "certificate.import")


@transaction.atomic
def certificate_record(
    *, actor: User, data: dict, channel: str = "import"
) -> tuple[Certificate, str]:
    """A certificate issued elsewhere; `created`, `updated` or `unchanged`. Errors name their field."""
    from skillaid.catalogue.models import Occupation
    from skillaid.catalogue.services import parse_level
    from skillaid.people import fields
    from skillaid.people.services import check_id, person_match_or_register

    require(actor, "certificate.import")
    errors: dict[str, str] = {}
    number = "".join(str(data.get("number") or "").split()).upper()
    if not number:
        errors["number"] = "证书编号为空"
    elif len(number) > 40:
        errors["number"] = "证书编号超过40位"
    name = normalise(data.get("name"))
    if not name:
        errors["name"] = "姓名为空"
    kind = ""
    try:
        kind = parse_kind(data.get("kind"))
    except ValueError as exc:
        errors["kind"] = str(exc)
    level = ""
    raw_level = data.get("level")
    if raw_level in (None, "") and kind == CertificateKind.SPECIALISED:
        level = SkillLevel.SPECIALISED_ABILITY
    elif raw_level in (None, "") and kind == CertificateKind.TRAINING:
        level = SkillLevel.NONE
    else:
        try:
            level = parse_level(raw_level)
        except ValueError as exc:
            errors["level"] = str(exc)
    occupation_name = str(data.get("occupation_name") or "").strip()
    code = str(data.get("occupation_code") or "").strip()
    if not occupation_name:
        errors["occupation_name"] = "职业（工种）名称为空"
    issuer = str(data.get("issuer") or "").strip()
    if not issuer:
        errors["issuer"] = "发证机构为空"
    issued_on = None
    try:
        issued_on = fields.date(data.get("issued_on"))
        if issued_on is None:
            errors["issued_on"] = "发证日期为空"
    except fields.FieldError as exc:
        errors["issued_on"] = str(exc)
    checked = check_id(data.get("id_number"))
    if not checked.ok:
        errors["id_number"] = checked.error or "身份证号无效"
    if errors:
        raise ValidationError(errors)
    person = person_match_or_register(
        id_number=checked.number,
        name=name,
        county=data.get("county") or "",
        actor=actor,
        channel=channel,
        source="证书导入",
    ).person_or_raise()
    occupation = None
    if code:
        occupation = Occupation.objects.filter(code=code).first()
    occupation = occupation or Occupation.objects.filter(name=occupation_name).first()
    values = {
        "kind": kind,
        "person": person,
        "holder_name": name,
        "occupation": occupation,
        "occupation_name": occupation_name[:64],
        "level": level,
        "issuer": issuer[:128],
        "issued_on": issued_on,
    }
    existing = Certificate.objects.select_for_update().filter(number=number).first()
    if existing is None:
        cert, outcome = Certificate(source=Source.IMPORTED, created_by=actor), "created"
        values = {"number": number, **values}
    else:
        if existing.person_id != person.pk:
            raise ValidationError({"number": f"证书编号{number}已登记在他人名下"})
        if existing.source == Source.ISSUED:
            raise ValidationError({"number": f"证书{number}由本系统颁发，不能用导入覆盖"})
        cert, outcome = existing, "updated"
    if not audit_changes(cert, values, actor=actor, channel=channel, person_id=person.pk):
        outcome = "unchanged"
    return cert, outcome
