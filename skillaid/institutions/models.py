"""Technical schools and training institutions."""

from django.db import models


class InstitutionKind(models.TextChoices):
    TECHNICIAN_COLLEGE = "technician_college", "技师学院"
    SENIOR_TECHNICAL_SCHOOL = "senior_technical_school", "高级技工学校"
    TECHNICAL_SCHOOL = "technical_school", "技工学校"
    TRAINING_INSTITUTION = "training_institution", "职业培训机构"


class Institution(models.Model):
    name = models.CharField("名称", max_length=128, unique=True)
    kind = models.CharField("类型", max_length=32, choices=InstitutionKind.choices)
    region = models.ForeignKey("regions.Region", on_delete=models.PROTECT, related_name="+")

    class Meta:
        ordering = ["name"]
        verbose_name = "院校与培训机构"
        verbose_name_plural = "院校与培训机构"

    def __str__(self) -> str:
        return self.name
