"""Certificates: issued here on completion of a class, or imported from the bodies that issued them."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils import timezone

from skillaid.accounts.scope import Scope
from skillaid.catalogue.models import SkillLevel


class CertificateKind(models.TextChoices):
    QUALIFICATION = "qualification", "职业资格证书"
    SKILL_LEVEL = "skill_level", "职业技能等级证书"
    SPECIALISED = "specialised", "专项职业能力证书"
    TRAINING = "training", "培训合格证书"


# The first letter of numbers issued here, by kind.
NUMBER_PREFIX = {
    CertificateKind.QUALIFICATION: "Z",
    CertificateKind.SKILL_LEVEL: "S",
    CertificateKind.SPECIALISED: "Y",
    CertificateKind.TRAINING: "P",
}


class Source(models.TextChoices):
    ISSUED = "issued", "本系统颁发"
    IMPORTED = "imported", "外部导入"


class Certificate(models.Model):
    number = models.CharField("证书编号", max_length=40, unique=True)
    kind = models.CharField("证书类型", max_length=16, choices=CertificateKind.choices)
    person = models.ForeignKey(
        "people.Person",
        verbose_name="持证人",
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    # The holder's name as printed, checked by the public verification page.
    holder_name = models.CharField("持证人姓名", max_length=64)
    occupation = models.ForeignKey(
        "catalogue.Occupation",
        verbose_name="职业（工种）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    occupation_name = models.CharField("职业（工种）名称", max_length=64)
    level = models.CharField("等级", max_length=20, choices=SkillLevel.choices)
    issuer = models.CharField("发证机构", max_length=128)
    issued_on = models.DateField("发证日期")
    enrolment = models.ForeignKey(
        "training.Enrolment",
        verbose_name="培训班学员",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="certificates",
    )
    source = models.CharField("来源", max_length=16, choices=Source.choices)
    revoked_on = models.DateField("注销日期", null=True, blank=True)
    revoked_reason = models.CharField("注销原因", max_length=255, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-issued_on", "-id"]
        verbose_name = "证书"
        verbose_name_plural = "证书"

    def __str__(self) -> str:
        return f"{self.number} {self.get_kind_display()}"

    def within(self, scope: Scope) -> bool:
        """The issuing institution's officer for a certificate issued here; the bureaus of
        the holder's county for any (accounts.capabilities asks)."""
        if scope.institution_id is not None:
            e = self.enrolment
            return e is not None and scope.has_institution(e.training_class.institution_id)
        return scope.contains_region(self.person.county_id)

    @property
    def is_valid(self) -> bool:
        return self.revoked_on is None


class VerifyCount(models.Model):
    """Public certificate look-ups from one address in one minute.

    Kept in the database, not in a process's memory, so that every web worker and both
    the /verify/ page and GET /api/certificates/verify count against the one limit."""

    address = models.CharField("地址", max_length=45)
    minute = models.BigIntegerField("分钟")  # minutes since the Unix epoch
    count = models.PositiveIntegerField("次数", default=0)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["address", "minute"], name="verify_count_once")
        ]
        indexes = [models.Index(fields=["minute"], name="verify_count_minute")]
        verbose_name = "证书查验次数"
        verbose_name_plural = "证书查验次数"

    def __str__(self) -> str:
        return f"{self.address} {self.count}"
