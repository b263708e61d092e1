"""Training: the classes declared, reviewed, attended and completed under the demand catalogue."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.scope import Scope
from skillaid.catalogue.models import DemandEntry, Occupation, SkillLevel, TrainingKind


class ClassStatus(models.TextChoices):
    DRAFT = "draft", "草稿"
    DECLARED = "declared", "已申报待审核"
    RETURNED = "returned", "退回修改"
    REJECTED = "rejected", "不予批准"
    APPROVED = "approved", "已批准开班"
    CLOSED = "closed", "已结业"


class TrainingClass(models.Model):
    """A class an institution runs: declared before it starts and reviewed by the county bureau."""

    institution = models.ForeignKey(
        "institutions.Institution",
        verbose_name="培训机构",
        on_delete=models.PROTECT,
        related_name="classes",
    )
    name = models.CharField("班级名称", max_length=128)
    occupation = models.ForeignKey(
        Occupation, verbose_name="职业（工种）", on_delete=models.PROTECT, related_name="+"
    )
    level = models.CharField("等级", max_length=20, choices=SkillLevel.choices)
    training_kind = models.CharField("培训类型", max_length=20, choices=TrainingKind.choices)
    subsidised = models.BooleanField("申请补贴", default=True)
    # The catalogue line that makes the class subsidisable, fixed at declaration.
    entry = models.ForeignKey(
        DemandEntry,
        verbose_name="需求目录条目",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    county = models.ForeignKey(
        "regions.Region",
        verbose_name="培训地（审核县区）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    start_on = models.DateField("开班日期")
    end_on = models.DateField("结业日期")
    planned_size = models.PositiveIntegerField("计划人数", default=0)
    teachers = models.CharField("授课教师", max_length=255, blank=True)
    teaching_plan = models.TextField("教学计划", blank=True)
    assessment_plan = models.TextField("考核方案", blank=True)
    status = models.CharField(
        "状态", max_length=16, choices=ClassStatus.choices, default=ClassStatus.DRAFT
    )
    declared_at = models.DateTimeField("申报时间", null=True, blank=True)
    declared_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="申报人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    reviewed_at = models.DateTimeField("审核时间", null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="审核人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    review_note = models.CharField("审核意见", max_length=255, blank=True)
    closed_at = models.DateTimeField("结业时间", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-start_on", "-id"]
        verbose_name = "培训班"
        verbose_name_plural = "培训班"
        indexes = [models.Index(fields=["county", "status"])]
        constraints = [
            models.CheckConstraint(
                name="class_period", condition=Q(end_on__gte=models.F("start_on"))
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def within(self, scope: Scope) -> bool:
        """Its institution's officer; the bureaus of the county it is held in
        (accounts.capabilities asks)."""
        return scope.has_institution(self.institution_id) or scope.contains_region(self.county_id)

    @property
    def editable(self) -> bool:
        return self.status in {ClassStatus.DRAFT, ClassStatus.RETURNED}

    @property
    def vetted(self) -> bool:
        """The county bureau has approved the class (it may since have closed): its roster
        then stands for who trains there."""
        return self.status in {ClassStatus.APPROVED, ClassStatus.CLOSED}


def new_code_key() -> str:
    return secrets.token_hex(16)


class ClassSession(models.Model):
    """One timetabled session (课次) of a class; attendance is taken per session."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="sessions"
    )
    starts_at = models.DateTimeField("开始时间")
    ends_at = models.DateTimeField("结束时间")
    place = models.CharField("地点", max_length=128)
    teacher = models.CharField("教师", max_length=64)
    # The secret the rotating sign-in codes of this session are derived from.
    code_key = models.CharField(max_length=32, default=new_code_key, editable=False)

    class Meta:
        ordering = ["starts_at", "id"]
        verbose_name = "课次"
        verbose_name_plural = "课次"
        constraints = [
            models.CheckConstraint(
                name="session_period", condition=Q(ends_at__gt=models.F("starts_at"))
            ),
        ]

    def __str__(self) -> str:
        local = timezone.localtime(self.starts_at)
        return f"{local:%Y-%m-%d %H:%M}–{timezone.localtime(self.ends_at):%H:%M} {self.place}"


class Basis(models.TextChoices):
    """Why a trainee may be subsidised (补贴对象类别)."""

    ASSISTED = "assisted", "脱贫家庭/监测帮扶对象"
    SCHOOL_LEAVER = "school_leaver", "两后生（初高中毕业未升学）"
    MIGRANT = "migrant", "农村转移就业劳动者"
    UNEMPLOYED = "unemployed", "登记失业人员"
    GRADUATE = "graduate", "毕业年度高校毕业生"
    NONE = "", "未申报"


class Completion(models.TextChoices):
    PENDING = "pending", "在训"
    COMPLETED = "completed", "已结业"
    NOT_COMPLETED = "not_completed", "未结业"


class Enrolment(models.Model):
    """A trainee on a class roster, with their eligibility, completion and assessment."""

    training_class = models.ForeignKey(
        TrainingClass, on_delete=models.CASCADE, related_name="enrolments"
    )
    person = models.ForeignKey(
        "people.Person", verbose_name="学员", on_delete=models.PROTECT, related_name="enrolments"
    )
    basis = models.CharField("申报补贴对象类别", max_length=16, choices=Basis.choices, blank=True)
    added_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    added_at = models.DateTimeField(default=timezone.now)
    completion = models.CharField(
        "结业情况", max_length=16, choices=Completion.choices, default=Completion.PENDING
    )
    attendance_rate = models.DecimalField(
        "出勤率（%）", max_digits=5, decimal_places=1, null=True, blank=True
    )
    score = models.DecimalField("考核成绩", max_digits=5, decimal_places=1, null=True, blank=True)
    passed = models.BooleanField("考核合格", null=True, blank=True)
    # Set at completion: whether the trainee completed as subsidised, and why not.
    subsidy_eligible = models.BooleanField("可享受补贴", null=True, blank=True)
    subsidy_note = models.CharField("补贴说明", max_length=255, blank=True)
    completed_at = models.DateTimeField("结业登记时间", null=True, blank=True)

    class Meta:
        ordering = ["id"]
        verbose_name = "学员"
        verbose_name_plural = "花名册"
        constraints = [
            models.UniqueConstraint(fields=["training_class", "person"], name="enrolment_unique")
        ]

    def __str__(self) -> str:
        return f"{self.training_class} · {self.person.name}"

    def within(self, scope: Scope) -> bool:
        """A roster line is in the scope its class is (accounts.capabilities asks)."""
        return self.training_class.within(scope)

    def vouches_for_account(self) -> bool:
        """Whether the line may stand for the person when codes to open their own account are
        issued from the roster (people.own_account asks): only on a class the county bureau
        has approved, not on a draft anyone may type a number into."""
        return self.training_class.vetted


class Direction(models.TextChoices):
    IN = "in", "签到"
    OUT = "out", "签退"


class Method(models.TextChoices):
    CODE = "code", "扫码/签到码"
    MANUAL = "manual", "教师补签"
    TERMINAL = "terminal", "考勤终端"


class FlagOutcome(models.TextChoices):
    """What the county bureau found when it reviewed a flagged sign-in."""

    PENDING = "", "待核查"
    CONFIRMED = "confirmed", "核查属实"
    CLEARED = "cleared", "核查不属实，不计出勤"


class Attendance(models.Model):
    """One sign-in or sign-out: who, when, how and from where. Never edited, except that a
    flagged sign-in is settled once by the county bureau (confirmed or cleared, with a reason)."""

    session = models.ForeignKey(ClassSession, on_delete=models.PROTECT, related_name="records")
    enrolment = models.ForeignKey(Enrolment, on_delete=models.PROTECT, related_name="records")
    # Kept beside the enrolment so the overlap check reads one table by person.
    person = models.ForeignKey("people.Person", on_delete=models.PROTECT, related_name="+")
    direction = models.CharField("类型", max_length=3, choices=Direction.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="操作人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    device = models.CharField("设备", max_length=64, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)
    reason = models.CharField("补签原因", max_length=255, blank=True)
    flag = models.CharField("待核查", max_length=255, blank=True)
    # The review of a flag: a cleared sign-in no longer counts as attended.
    flag_outcome = models.CharField(
        "核查结论", max_length=10, choices=FlagOutcome.choices, blank=True, default=""
    )
    flag_reason = models.CharField("核查说明", max_length=255, blank=True)
    flag_settled_at = models.DateTimeField("核查时间", null=True, blank=True)
    flag_settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核查人",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["at", "id"]
        verbose_name = "考勤记录"
        verbose_name_plural = "考勤记录"
        constraints = [
            models.UniqueConstraint(
                fields=["session", "person", "direction"], name="attendance_once"
            )
        ]
        indexes = [
            models.Index(fields=["person", "direction"]),
            models.Index(fields=["device", "at"]),
        ]

    def __str__(self) -> str:
        return f"{self.person_id} {self.get_direction_display()} {self.at:%Y-%m-%d %H:%M}"

    def within(self, scope: Scope) -> bool:
        return self.session.training_class.within(scope)

    @property
    def flag_pending(self) -> bool:
        return bool(self.flag) and self.flag_outcome == FlagOutcome.PENDING


class Refusal(models.TextChoices):
    OUTSIDE_WINDOW = "outside_window", "不在课次签到时间内"
    EXPIRED_CODE = "expired_code", "签到码已过期或不正确"
    NOT_ON_ROSTER = "not_on_roster", "不在本班花名册中"
    TWICE = "twice", "重复签到"
    OVERLAP = "overlap", "同一时间已在其他课次签到"
    NOT_SIGNED_IN = "not_signed_in", "未签到不能签退"
    CLASS_NOT_RUNNING = "class_not_running", "培训班未批准开班或已结业"
    UNKNOWN_PERSON = "unknown_person", "身份证号或姓名不正确"


class RefusedAttendance(models.Model):
    """A refused sign-in, kept so that reviewers see attempts as well as records."""

    session = models.ForeignKey(ClassSession, on_delete=models.CASCADE, related_name="refusals")
    person = models.ForeignKey(
        "people.Person", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    direction = models.CharField("类型", max_length=3, choices=Direction.choices)
    at = models.DateTimeField("时间", default=timezone.now)
    method = models.CharField("方式", max_length=10, choices=Method.choices)
    reason = models.CharField("原因", max_length=20, choices=Refusal.choices)
    message = models.CharField("说明", max_length=255)
    # The number typed, masked: what an officer is shown of someone not on the roster, the
    # same whether or not the number is in the ledger (the person link is for the bureau).
    id_masked = models.CharField("身份证号", max_length=18, blank=True)
    device = models.CharField("设备", max_length=64, blank=True)
    ip = models.GenericIPAddressField("IP地址", null=True, blank=True)

    class Meta:
        ordering = ["-at", "-id"]
        verbose_name = "被拒绝的考勤"
        verbose_name_plural = "被拒绝的考勤"

    def __str__(self) -> str:
        return f"{self.get_reason_display()} {self.at:%Y-%m-%d %H:%M}"
