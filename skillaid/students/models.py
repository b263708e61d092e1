"""Technical-school students of assisted households: recruitment contacts, the enrolment
(学籍) with its status history, the monthly monitoring (每月监测) and graduation."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.scope import Scope


class Outcome(models.TextChoices):
    """What came of a school's contact with a young person who wants a school place."""

    INTERESTED = "interested", "有意向"
    APPLIED = "applied", "已报名"
    ENROLLED_ELSEWHERE = "elsewhere", "已在其他院校就读"
    DECLINED = "declined", "不愿就读"
    UNREACHABLE = "unreachable", "未联系上"


class Channel(models.TextChoices):
    PHONE = "phone", "电话"
    VISIT = "visit", "入户走访"
    SESSION = "session", "招生宣讲"
    MESSAGE = "message", "微信/短信"


class RecruitmentContact(models.Model):
    """One contact a school made with a young person of its paired counties or sites who
    wants a technical-school place (生源动员), and what came of it."""

    school = models.ForeignKey(
        "institutions.Institution",
        verbose_name="院校",
        on_delete=models.PROTECT,
        related_name="recruitment_contacts",
    )
    person = models.ForeignKey(
        "people.Person",
        verbose_name="学生",
        on_delete=models.PROTECT,
        related_name="recruitment_contacts",
    )
    # The person's county when contacted: the county sees its own young people's contacts.
    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+"
    )
    contacted_on = models.DateField("联系日期")
    channel = models.CharField("联系方式", max_length=16, choices=Channel.choices)
    outcome = models.CharField("结果", max_length=16, choices=Outcome.choices)
    # Required for DECLINED; for ENROLLED_ELSEWHERE, the school they went to.
    reason = models.CharField("原因/说明", max_length=255, blank=True)
    major = models.CharField("意向专业", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        ordering = ["-contacted_on", "-id"]
        verbose_name = "招生联系记录"
        verbose_name_plural = "招生联系记录"
        indexes = [
            models.Index(fields=["school", "person"]),
            models.Index(fields=["county", "contacted_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="declined_has_reason",
                condition=~Q(outcome="declined") | ~Q(reason=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.contacted_on:%Y-%m-%d} {self.get_outcome_display()}"

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    def within(self, scope: Scope) -> bool:
        return scope.has_institution(self.school_id) or scope.contains_region(self.county_id)


class ClassType(models.TextChoices):
    INTERMEDIATE = "intermediate", "中级工班"
    ADVANCED = "advanced", "高级工班"
    TECHNICIAN = "technician", "预备技师（技师）班"


class Track(models.TextChoices):
    REGULAR = "regular", "普通班"
    ORDER = "order", "订单班"
    APPRENTICE = "apprentice", "新型学徒制（先就业后入学）"


class StudentStatus(models.TextChoices):
    STUDYING = "studying", "在读"
    SUSPENDED = "suspended", "休学"
    WITHDRAWN = "withdrawn", "退学"
    GRADUATED = "graduated", "毕业"
    TRANSFERRED = "transferred", "转学"


# A student whose enrolment is live: on the school's roll, monitored monthly.
LIVE_STATUSES = (StudentStatus.STUDYING, StudentStatus.SUSPENDED)

# The legal moves of an enrolment's status; a transfer ends this enrolment (the receiving
# school opens a new one).
STATUS_MOVES: dict[str, tuple[str, ...]] = {
    StudentStatus.STUDYING: (
        StudentStatus.SUSPENDED,
        StudentStatus.WITHDRAWN,
        StudentStatus.GRADUATED,
        StudentStatus.TRANSFERRED,
    ),
    StudentStatus.SUSPENDED: (
        StudentStatus.STUDYING,
        StudentStatus.WITHDRAWN,
        StudentStatus.TRANSFERRED,
    ),
    StudentStatus.WITHDRAWN: (),
    StudentStatus.GRADUATED: (),
    StudentStatus.TRANSFERRED: (),
}


class StudentEnrolment(models.Model):
    """A student at a technical school (学籍): the major, class type, order class or new
    apprenticeship with its enterprise, entry and expected graduation, and the status,
    whose every change is kept in StatusChange."""

    person = models.ForeignKey(
        "people.Person",
        verbose_name="学生",
        on_delete=models.PROTECT,
        related_name="student_enrolments",
    )
    school = models.ForeignKey(
        "institutions.Institution",
        verbose_name="院校",
        on_delete=models.PROTECT,
        related_name="student_enrolments",
    )
    # The student's county (of their household) when enrolled: the county follows its own
    # young people, wherever they study.
    county = models.ForeignKey(
        "regions.Region", verbose_name="生源县（区）", on_delete=models.PROTECT, related_name="+"
    )
    student_number = models.CharField("学号", max_length=32, blank=True)
    major = models.CharField("专业", max_length=64)
    occupation = models.ForeignKey(
        "catalogue.Occupation",
        verbose_name="对应职业（工种）",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    class_type = models.CharField("班级类型", max_length=16, choices=ClassType.choices)
    track = models.CharField(
        "培养方式", max_length=16, choices=Track.choices, default=Track.REGULAR
    )
    # The enterprise of an order class, or the employer of a new apprentice.
    partner_name = models.CharField("合作企业/用人单位", max_length=128, blank=True)
    partner_uscc = models.CharField("统一社会信用代码", max_length=18, blank=True)
    entered_on = models.DateField("入学日期")
    expected_graduation = models.DateField("预计毕业日期")
    status = models.CharField(
        "学籍状态", max_length=16, choices=StudentStatus.choices, default=StudentStatus.STUDYING
    )
    status_since = models.DateField("状态起始日期")
    # The school's staff member who checks on the student every month (001 (四)).
    staff_name = models.CharField("帮扶责任人", max_length=64, blank=True)
    staff_phone = models.CharField("责任人电话", max_length=20, blank=True)
    created_at = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    import_record = models.ForeignKey(
        "accounts.ImportRecord",
        verbose_name="来源导入",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
        db_constraint=False,
        editable=False,
    )
    import_row = models.PositiveIntegerField("来源行号", null=True, blank=True, editable=False)

    class Meta:
        ordering = ["-entered_on", "id"]
        verbose_name = "学籍"
        verbose_name_plural = "学籍"
        indexes = [
            models.Index(fields=["school", "status"]),
            models.Index(fields=["county", "status"]),
        ]
        constraints = [
            # One live enrolment a person: a transfer ends one before the next opens.
            models.UniqueConstraint(
                fields=["person"],
                condition=Q(status__in=["studying", "suspended"]),
                name="one_live_student_enrolment",
            ),
            models.CheckConstraint(
                name="graduation_after_entry",
                condition=Q(expected_graduation__gt=models.F("entered_on")),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.school} {self.major}（{self.get_status_display()}）"

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    def within(self, scope: Scope) -> bool:
        return scope.has_institution(self.school_id) or scope.contains_region(self.county_id)

    @property
    def live(self) -> bool:
        return self.status in LIVE_STATUSES

    def status_on(self, day: dt.date) -> str:
        """The status in force on `day`, from the history (`changes.all()`, prefetchable);
        before entry there is none ('')."""
        if day < self.entered_on:
            return ""
        status = StudentStatus.STUDYING
        for change in sorted(self.changes.all(), key=lambda c: (c.on, c.pk)):
            if change.on <= day:
                status = change.to_status
        return status


class StatusChange(models.Model):
    """One change of an enrolment's status, with its date and reason (休学 for illness,
    退学 on 2026-03-01 …)."""

    enrolment = models.ForeignKey(
        StudentEnrolment, on_delete=models.CASCADE, related_name="changes"
    )
    from_status = models.CharField("原状态", max_length=16, choices=StudentStatus.choices)
    to_status = models.CharField("新状态", max_length=16, choices=StudentStatus.choices)
    on = models.DateField("变动日期")
    reason = models.CharField("原因", max_length=255, blank=True)
    # A transfer: the school the student went to.
    to_school = models.ForeignKey(
        "institutions.Institution",
        verbose_name="转入院校",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["on", "id"]
        verbose_name = "学籍变动"
        verbose_name_plural = "学籍变动"

    def __str__(self) -> str:
        return f"{self.on:%Y-%m-%d} {self.get_from_status_display()}→{self.get_to_status_display()}"


class Help(models.TextChoices):
    TUTORING = "tutoring", "学业辅导"
    CHANGE_MAJOR = "change_major", "调整专业"
    EXTRA_PRACTICE = "extra_practice", "加强实训"
    HARDSHIP_AID = "hardship_aid", "困难救助"
    COUNSELLING = "counselling", "心理疏导"


class MonthlyRecord(models.Model):
    """One month's check by the school's designated staff on one student (每月监测):
    study, living, and the help given. A difficulty recorded stays open on the school's
    list until a later month's record says it is resolved."""

    enrolment = models.ForeignKey(
        StudentEnrolment, on_delete=models.CASCADE, related_name="monthly_records"
    )
    # The first day of the month the record is for.
    month = models.DateField("监测月份")
    grades = models.CharField("学业成绩", max_length=64, blank=True)
    attendance_rate = models.DecimalField(
        "出勤率（%）", max_digits=5, decimal_places=1, null=True, blank=True
    )
    study_difficulty = models.CharField("学习困难", max_length=255, blank=True)
    living_difficulty = models.CharField("生活困难", max_length=255, blank=True)
    help_given = models.JSONField("帮扶措施", default=list, blank=True)
    help_note = models.CharField("帮扶情况", max_length=255, blank=True)
    # Whether the difficulties recorded before this month are resolved.
    resolved = models.BooleanField("此前困难已解决", default=False)
    # Who checked on the student: the enrolment's designated staff member (staff_name) when
    # the record was saved, unless the form names someone else standing in for them.
    staff_name = models.CharField("监测人", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        ordering = ["-month", "id"]
        verbose_name = "每月监测记录"
        verbose_name_plural = "每月监测记录"
        constraints = [
            # The month is stored as its first day (the service sets it).
            models.UniqueConstraint(fields=["enrolment", "month"], name="one_record_a_month"),
        ]

    def __str__(self) -> str:
        return f"{self.month:%Y年%m月}监测"

    @property
    def flagged(self) -> bool:
        """Whether this month records a difficulty."""
        return bool(self.study_difficulty or self.living_difficulty)


class JobOutcome(models.TextChoices):
    EMPLOYED = "employed", "已就业"
    RECOMMENDED = "recommended", "已推荐就业"
    SEEKING = "seeking", "待就业"
    FURTHER_STUDY = "further_study", "升学"
    ENLISTED = "enlisted", "参军"


class Graduation(models.Model):
    """What a graduate left with: the internship, and the job found or recommended.
    Certificates earned are read from the certificate register, not copied here."""

    enrolment = models.OneToOneField(
        StudentEnrolment, on_delete=models.CASCADE, related_name="graduation"
    )
    graduated_on = models.DateField("毕业日期")
    internship_employer = models.CharField("实习单位", max_length=128, blank=True)
    internship_from = models.DateField("实习起", null=True, blank=True)
    internship_until = models.DateField("实习止", null=True, blank=True)
    outcome = models.CharField("去向", max_length=16, choices=JobOutcome.choices)
    employer = models.CharField("就业/推荐单位", max_length=128, blank=True)
    job = models.CharField("岗位", max_length=64, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "毕业去向"
        verbose_name_plural = "毕业去向"
        constraints = [
            models.CheckConstraint(
                name="job_outcome_has_employer",
                condition=~Q(outcome__in=["employed", "recommended"]) | ~Q(employer=""),
            )
        ]

    def __str__(self) -> str:
        return f"{self.graduated_on:%Y-%m-%d}毕业，{self.get_outcome_display()}"
