"""Employment services (就业服务): from trained, or graduated, to employed.

The seeds' promise (003 三（五）, 二; 001 四（八）; 003 四（十一））: the public employment
services register trained workers of assisted households who have no job yet, recommend
at least three postings to each, follow each up within three months and keep their
employment information current; an agency that places such a worker under a labour
contract of six months or more, with social insurance paid for three months or more,
earns a service subsidy.

- `Seeker` (求职登记): one per person the employment services work with: what they want
  (occupations, places, wage, when available) and, kept up to date by the services that
  change them, their current employment status, their latest training completion and the
  number of referrals since it, so that a county's "short of three referrals" list and
  the funnel read one table rather than scanning rosters and referrals per request.
- `StatusRecord`: the employment status history, each confirmed on a date and by a means.
- `Employer`: employers and human-resources agencies, by unified social credit code;
  `EmployerAccount` links an outside organisation's login to it.
- `JobFair`, `Posting`: job postings, by campaign and fair.
- `Referral`: a posting recommended to a seeker, why it fits, and what came of it.
- `FollowUp`: a return visit due within three months of a referral, a training
  completion or a graduation without a job.
- `Placement`: a job taken, with the contract and the months of social insurance that an
  agency's service subsidy rests on.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from skillaid.accounts.scope import Scope


class EmploymentStatus(models.TextChoices):
    UNKNOWN = "unknown", "待回访确认"
    UNEMPLOYED = "unemployed", "未就业"
    LOCAL = "local", "县内就业"
    PROVINCE = "province", "区内县外就业"
    OUTSIDE = "outside", "区外就业"
    SELF_EMPLOYED = "self_employed", "自主创业/灵活就业"
    TRAINING = "training", "参加培训"
    SCHOOL = "school", "在校就读"


# The statuses in which a person has work.
EMPLOYED = frozenset(
    {
        EmploymentStatus.LOCAL,
        EmploymentStatus.PROVINCE,
        EmploymentStatus.OUTSIDE,
        EmploymentStatus.SELF_EMPLOYED,
    }
)
# The statuses in which a trained worker still needs the services: no work, or nobody
# has yet confirmed that they have some.
SEEKING = frozenset({EmploymentStatus.UNKNOWN, EmploymentStatus.UNEMPLOYED})


class ConfirmedBy(models.TextChoices):
    """How a status was confirmed."""

    PHONE = "phone", "电话回访"
    VISIT = "visit", "入户走访"
    EMPLOYER = "employer", "用人单位反馈"
    INSURANCE = "insurance", "社保比对"
    SELF = "self", "本人申报"


class Place(models.TextChoices):
    """Where a seeker is willing to work (a posting's place is read against the seeker's
    own county: the same county is local, the same province is 区内, Guangdong is 粤桂
    劳务协作, anywhere else 区外)."""

    LOCAL = "local", "本县（区）"
    PROVINCE = "province", "区内"
    OUTSIDE = "outside", "区外"
    GUANGDONG = "guangdong", "粤桂劳务协作（广东）"


class SeekerSource(models.TextChoices):
    CLERK = "clerk", "经办人员登记"
    LEDGER = "ledger", "台账就业意愿"
    TRAINING = "training", "培训结业"
    GRADUATE = "graduate", "技工院校毕业"


class Seeker(models.Model):
    """A person the employment services work with (求职登记), and where they stand."""

    person = models.OneToOneField(
        "people.Person", verbose_name="人员", on_delete=models.PROTECT, related_name="job_seeker"
    )
    # The person's county when registered, kept with the person's moves by the services:
    # the county bureau that follows them up, and the scope.
    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+"
    )
    registered_on = models.DateField("登记日期")
    source = models.CharField("登记来源", max_length=16, choices=SeekerSource.choices)
    occupations = models.ManyToManyField(
        "catalogue.Occupation", verbose_name="求职意向职业（工种）", blank=True, related_name="+"
    )
    # Place codes separated by "|" (Place values): local|province|guangdong.
    places = models.CharField("意向就业地", max_length=64, blank=True)
    wage_min = models.DecimalField(
        "期望月薪下限（元）", max_digits=10, decimal_places=2, null=True, blank=True
    )
    available_on = models.DateField("可到岗日期", null=True, blank=True)
    note = models.CharField("备注", max_length=255, blank=True)
    # Of an assisted household (脱贫户/监测户) when last refreshed: the three-referral rule's
    # people. 001 四（八）: a technical-school graduate of such a household is recommended
    # first (`priority`).
    assisted = models.BooleanField("帮扶家庭劳动力", default=False)
    priority = models.BooleanField("优先推荐（技工院校帮扶家庭毕业生）", default=False)
    # The current status: the latest StatusRecord's, kept here by the services.
    status = models.CharField(
        "就业状态",
        max_length=16,
        choices=EmploymentStatus.choices,
        default=EmploymentStatus.UNKNOWN,
    )
    status_on = models.DateField("状态确认日期", null=True, blank=True)
    # The latest training completion (a roster line completed) and graduation, and the
    # referrals recorded since the later of them (or since registration): the count the
    # three-referral rule reads.
    trained_on = models.DateField("最近培训结业日期", null=True, blank=True)
    graduated_on = models.DateField("毕业日期", null=True, blank=True)
    referrals = models.PositiveIntegerField("本轮推荐岗位数", default=0)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)
    updated_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-registered_on", "-id"]
        verbose_name = "求职登记"
        verbose_name_plural = "求职登记"
        indexes = [
            # A county's seekers page by page, and its "short of three referrals" list.
            models.Index(fields=["county", "status", "referrals"], name="seeker_short"),
            models.Index(fields=["county", "id"], name="seeker_county_id"),
        ]

    def __str__(self) -> str:
        return f"{self.person.name}的求职登记"

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    @property
    def place_list(self) -> list[str]:
        return [p for p in self.places.split("|") if p]

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.county_id)


class StatusRecord(models.Model):
    """One confirmation of a seeker's employment status (就业状态), dated, and how."""

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="statuses")
    status = models.CharField("就业状态", max_length=16, choices=EmploymentStatus.choices)
    confirmed_on = models.DateField("确认日期")
    confirmed_by = models.CharField("确认方式", max_length=16, choices=ConfirmedBy.choices)
    employer_name = models.CharField("就业单位", max_length=128, blank=True)
    workplace = models.ForeignKey(
        "regions.Region",
        verbose_name="就业地",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    note = models.CharField("说明", max_length=255, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-confirmed_on", "-id"]
        verbose_name = "就业状态记录"
        verbose_name_plural = "就业状态记录"

    def __str__(self) -> str:
        return f"{self.confirmed_on:%Y-%m-%d} {self.get_status_display()}"


class EmployerKind(models.TextChoices):
    EMPLOYER = "employer", "用人单位"
    AGENCY = "agency", "经营性人力资源服务机构"


class Employer(models.Model):
    """An employer (用人单位, a 帮扶车间 among them) or a human-resources agency."""

    kind = models.CharField("类型", max_length=16, choices=EmployerKind.choices)
    name = models.CharField("单位名称", max_length=128)
    uscc = models.CharField("统一社会信用代码", max_length=18, unique=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="所在地区", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("地址", max_length=255, blank=True)
    contact_name = models.CharField("联系人", max_length=64, blank=True)
    contact_phone = models.CharField("联系电话", max_length=20, blank=True)
    workshop = models.BooleanField("就业帮扶车间", default=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["name", "id"]
        verbose_name = "用人单位/人力资源服务机构"
        verbose_name_plural = "用人单位/人力资源服务机构"
        indexes = [models.Index(fields=["region", "kind"])]

    def __str__(self) -> str:
        return self.name

    def within(self, scope: Scope) -> bool:
        return scope.has_employer(self.pk) or scope.contains_region(self.region_id)


class EmployerAccount(models.Model):
    """The login of an employer or agency (roles EMPLOYER, AGENCY): one user, one
    organisation. Read by accounts.scope through `user.employer_account`."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="employer_account"
    )
    employer = models.ForeignKey(Employer, on_delete=models.PROTECT, related_name="accounts")
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    opened_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "单位账户"
        verbose_name_plural = "单位账户"

    def __str__(self) -> str:
        return f"{self.employer.name}的账户"


class Campaign(models.TextChoices):
    NONE = "", "—"
    SPRING_BREEZE = "spring_breeze", "春风行动"
    PRIVATE_MONTH = "private_month", "民营企业招聘月"
    AUTUMN = "autumn", "金秋招聘月"
    COUNTY_FAIR = "county_fair", "县（区）专场招聘会"
    WORKSHOP = "workshop", "就业帮扶车间"
    GIG = "gig", "零工市场"


class JobFair(models.Model):
    """A recruitment fair (招聘会), of a campaign or a county's own."""

    name = models.CharField("招聘会名称", max_length=128)
    campaign = models.CharField("专项活动", max_length=16, choices=Campaign.choices, blank=True)
    region = models.ForeignKey(
        "regions.Region", verbose_name="举办地", on_delete=models.PROTECT, related_name="+"
    )
    held_on = models.DateField("举办日期")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["-held_on", "id"]
        verbose_name = "招聘会"
        verbose_name_plural = "招聘会"

    def __str__(self) -> str:
        return f"{self.name}（{self.held_on:%Y-%m-%d}）"

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.region_id)


class Posting(models.Model):
    """A job posting (招聘岗位): open from `valid_from` to `valid_until`; an expired or
    closed posting leaves every suggestion list."""

    employer = models.ForeignKey(
        Employer, verbose_name="用人单位", on_delete=models.PROTECT, related_name="postings"
    )
    # The agency that collected the posting for the employer, if one did.
    agency = models.ForeignKey(
        Employer,
        verbose_name="发布机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agency_postings",
    )
    title = models.CharField("岗位名称", max_length=128)
    occupation = models.ForeignKey(
        "catalogue.Occupation",
        verbose_name="职业（工种）",
        on_delete=models.PROTECT,
        related_name="+",
    )
    # The workplace: a county (or city) code of any province, Guangdong's among them.
    region = models.ForeignKey(
        "regions.Region", verbose_name="工作地", on_delete=models.PROTECT, related_name="+"
    )
    address = models.CharField("工作地点", max_length=255, blank=True)
    wage_min = models.DecimalField("月薪下限（元）", max_digits=10, decimal_places=2)
    wage_max = models.DecimalField("月薪上限（元）", max_digits=10, decimal_places=2)
    places = models.PositiveIntegerField("招聘人数")
    requirements = models.CharField("岗位要求", max_length=500, blank=True)
    valid_from = models.DateField("有效期起")
    valid_until = models.DateField("有效期止")
    campaign = models.CharField("专项活动", max_length=16, choices=Campaign.choices, blank=True)
    fair = models.ForeignKey(
        JobFair,
        verbose_name="招聘会",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="postings",
    )
    closed_on = models.DateField("停止招聘日期", null=True, blank=True)
    # The row of an imported file that created or last changed it.
    import_key = models.CharField("导入键", max_length=64, blank=True, editable=False)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="录入人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-valid_from", "-id"]
        verbose_name = "招聘岗位"
        verbose_name_plural = "招聘岗位"
        indexes = [
            # Open postings of an occupation: the suggestions' first read.
            models.Index(fields=["occupation", "valid_until"], name="posting_open_occ"),
            models.Index(fields=["valid_until"], name="posting_open"),
            models.Index(fields=["employer", "valid_until"], name="posting_employer"),
        ]
        constraints = [
            models.CheckConstraint(
                name="posting_wage_range", condition=Q(wage_max__gte=models.F("wage_min"))
            ),
            models.CheckConstraint(
                name="posting_period", condition=Q(valid_until__gte=models.F("valid_from"))
            ),
            models.CheckConstraint(name="posting_places", condition=Q(places__gte=1)),
        ]

    def __str__(self) -> str:
        return f"{self.employer.name} {self.title}"

    def within(self, scope: Scope) -> bool:
        return (
            scope.has_employer(self.employer_id)
            or scope.has_employer(self.agency_id)
            or scope.contains_region(self.region_id)
            or scope.contains_region(self.employer.region_id)
        )

    def open_on(self, day) -> bool:  # noqa: ANN001
        return self.valid_from <= day <= self.valid_until and (
            self.closed_on is None or self.closed_on > day
        )


class ReferralOutcome(models.TextChoices):
    PENDING = "pending", "已推荐待反馈"
    INTERVIEW = "interview", "已面试"
    HIRED = "hired", "已录用"
    DECLINED_SEEKER = "declined_seeker", "本人未接受"
    DECLINED_EMPLOYER = "declined_employer", "单位未录用"


# Outcomes that end a referral; a declined one names who declined and why.
DECLINED = frozenset({ReferralOutcome.DECLINED_SEEKER, ReferralOutcome.DECLINED_EMPLOYER})


class Referral(models.Model):
    """A posting recommended to a seeker (岗位推荐), why it fits, and what came of it."""

    seeker = models.ForeignKey(Seeker, on_delete=models.PROTECT, related_name="referral_set")
    posting = models.ForeignKey(Posting, on_delete=models.PROTECT, related_name="referrals")
    # The seeker's county and the posting's employer when referred: the scopes.
    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        Employer, verbose_name="用人单位", on_delete=models.PROTECT, related_name="referrals"
    )
    referred_on = models.DateField("推荐日期")
    # Why the posting fits (the suggestion's reasons when it was recorded).
    fit = models.CharField("推荐理由", max_length=255, blank=True)
    outcome = models.CharField(
        "推荐结果", max_length=24, choices=ReferralOutcome.choices, default=ReferralOutcome.PENDING
    )
    outcome_on = models.DateField("结果日期", null=True, blank=True)
    outcome_reason = models.CharField("原因", max_length=255, blank=True)
    referred_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="推荐人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-referred_on", "-id"]
        verbose_name = "岗位推荐"
        verbose_name_plural = "岗位推荐"
        indexes = [
            models.Index(fields=["county", "referred_on"]),
            models.Index(fields=["employer", "outcome"]),
        ]
        constraints = [
            models.UniqueConstraint(fields=["seeker", "posting"], name="referral_once"),
            models.CheckConstraint(
                name="referral_declined_has_reason",
                condition=~Q(outcome__in=["declined_seeker", "declined_employer"])
                | ~Q(outcome_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.referred_on:%Y-%m-%d} 推荐至{self.employer.name}"

    @property
    def audit_person_id(self) -> int:
        return self.seeker.person_id

    def within(self, scope: Scope) -> bool:
        return scope.has_employer(self.employer_id) or scope.contains_region(self.county_id)


class FollowUpCause(models.TextChoices):
    REFERRAL = "referral", "岗位推荐后回访"
    TRAINING = "training", "培训结业后回访"
    GRADUATION = "graduation", "毕业未就业回访"


class FollowUp(models.Model):
    """A return visit (就业回访) due within three months of its cause; done when a clerk
    records it, which confirms the seeker's status."""

    seeker = models.ForeignKey(Seeker, on_delete=models.CASCADE, related_name="followups")
    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+"
    )
    cause = models.CharField("回访事由", max_length=16, choices=FollowUpCause.choices)
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.CASCADE, related_name="followups"
    )
    # The roster line completed, or the technical-school enrolment graduated.
    training_enrolment = models.ForeignKey(
        "training.Enrolment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    student_enrolment = models.ForeignKey(
        "students.StudentEnrolment",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    started_on = models.DateField("起算日期")
    due_on = models.DateField("应回访日期")
    done_on = models.DateField("回访日期", null=True, blank=True)
    method = models.CharField("回访方式", max_length=16, choices=ConfirmedBy.choices, blank=True)
    status_record = models.ForeignKey(
        StatusRecord, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    note = models.CharField("回访情况", max_length=255, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        ordering = ["due_on", "id"]
        verbose_name = "就业回访"
        verbose_name_plural = "就业回访"
        indexes = [
            # A county's work list: what is open, by due date.
            models.Index(fields=["county", "done_on", "due_on"], name="followup_worklist"),
        ]
        constraints = [
            # One follow-up per cause: a referral, a roster line, a graduation.
            models.UniqueConstraint(
                fields=["referral"],
                name="followup_referral_once",
                condition=Q(referral__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["training_enrolment"],
                name="followup_training_once",
                condition=Q(training_enrolment__isnull=False),
            ),
            models.UniqueConstraint(
                fields=["student_enrolment"],
                name="followup_graduation_once",
                condition=Q(student_enrolment__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_cause_display()}（{self.due_on:%Y-%m-%d}前）"

    @property
    def audit_person_id(self) -> int:
        return self.seeker.person_id

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.county_id)


class Placement(models.Model):
    """A job taken (就业登记): the employer, the agency that placed the worker if one did,
    the labour contract and the months of social insurance paid. An agency's or
    employer's report is confirmed by the county bureau (`confirmed_on`) before any
    service subsidy rests on it."""

    seeker = models.ForeignKey(Seeker, on_delete=models.PROTECT, related_name="placements")
    county = models.ForeignKey(
        "regions.Region", verbose_name="县（区）", on_delete=models.PROTECT, related_name="+"
    )
    employer = models.ForeignKey(
        Employer, verbose_name="用人单位", on_delete=models.PROTECT, related_name="placements"
    )
    agency = models.ForeignKey(
        Employer,
        verbose_name="人力资源服务机构",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="agency_placements",
    )
    referral = models.ForeignKey(
        Referral, null=True, blank=True, on_delete=models.SET_NULL, related_name="placements"
    )
    job = models.CharField("岗位", max_length=128, blank=True)
    contract_start = models.DateField("劳动合同起")
    contract_end = models.DateField("劳动合同止", null=True, blank=True)
    open_ended = models.BooleanField("无固定期限劳动合同", default=False)
    insured_months = models.PositiveSmallIntegerField("已缴社会保险月数", default=0)
    insured_until = models.DateField("社保缴纳至", null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="登记人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    reported_at = models.DateTimeField(default=timezone.now)
    confirmed_on = models.DateField("核实日期", null=True, blank=True)
    confirmed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="核实人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    confirm_means = models.CharField(
        "核实方式", max_length=16, choices=ConfirmedBy.choices, blank=True
    )
    ended_on = models.DateField("离职日期", null=True, blank=True)

    class Meta:
        ordering = ["-contract_start", "-id"]
        verbose_name = "就业登记"
        verbose_name_plural = "就业登记"
        indexes = [
            models.Index(fields=["county", "contract_start"]),
            models.Index(fields=["agency", "confirmed_on"]),
        ]
        constraints = [
            models.CheckConstraint(
                name="placement_contract_period",
                condition=Q(contract_end__isnull=True)
                | Q(contract_end__gte=models.F("contract_start")),
            ),
            models.CheckConstraint(
                name="placement_contract_end_or_open",
                condition=Q(open_ended=True) | Q(contract_end__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.employer.name}（{self.contract_start:%Y-%m-%d}起）"

    @property
    def audit_person_id(self) -> int:
        return self.seeker.person_id

    def within(self, scope: Scope) -> bool:
        return (
            scope.has_employer(self.employer_id)
            or scope.has_employer(self.agency_id)
            or scope.contains_region(self.county_id)
        )
