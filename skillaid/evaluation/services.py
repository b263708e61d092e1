"""Issuing, recording and verifying certificates."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone

from skillaid.accounts.models import Action, Role, User, audit
from skillaid.training.models import ClassStatus, Completion, Enrolment, SkillLevel, TrainingClass

from .models import NUMBER_PREFIX, Certificate, CertificateKind, Source


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
    if actor.role != Role.ADMIN and (
        actor.role != Role.SCHOOL_OFFICER or actor.institution_id != c.institution_id
    ):
        raise PermissionDenied("只有本机构的管理员可以为本班学员发证")
    if c.status not in {ClassStatus.APPROVED, ClassStatus.CLOSED}:
        raise ValidationError(f"培训班处于“{c.get_status_display()}”状态，不能发证")
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
            object_type="certificate",
            object_id=cert.pk,
            person_id=enrolment.person_id,
            changes={"number": [None, cert.number], "class": [None, c.pk]},
        )
        issued.append(cert)
    if not issued and not due.exists():
        raise ValidationError("没有需要发证的学员：只有已结业且考核合格、尚未发证的学员可以发证")
    return issued


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
    if name and name != cert.holder_name:
        return Verdict(False, "证书编号与持证人姓名不符")
    if cert.revoked_on:
        return Verdict(False, f"该证书已于{cert.revoked_on:%Y-%m-%d}注销", cert)
    if name:
        return Verdict(True, "证书真实有效，持证人姓名相符", cert)
    return Verdict(True, "证书真实有效（未核对持证人姓名）", cert)
