"""Real-name people, their households with assistance status, and ledger intents."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.db import models
from django.db.models import TextChoices
from django.utils import timezone

from skillaid.accounts import keys
from skillaid.accounts.scope import Scope
from skillaid.db import Prefix
from skillaid.lib import idnumber
from skillaid.lib.sealed import Sealer


def sealer() -> Sealer:
    """The ID key's sealer, proved against the database's check value before its first use."""
    return keys.sealer()


class Category(TextChoices):
    LIFTED = "lifted", "脱贫户"
    MONITORED = "monitored", "监测户"
    ORDINARY = "ordinary", "一般户"


class MonitoringKind(models.TextChoices):
    UNSTABLE = "unstable", "脱贫不稳定户"
    MARGINAL = "marginal", "边缘易致贫户"
    SUDDEN = "sudden", "突发严重困难户"


ASSISTED = (Category.LIFTED, Category.MONITORED)


class Household(models.Model):
    # Indexed by the (county, number) constraint.
    county = models.ForeignKey(
        "regions.Region", on_delete=models.PROTECT, related_name="+", db_index=False
    )
    number = models.CharField("户编号", max_length=64)
    category = models.CharField(
        "家庭类别", max_length=16, choices=Category.choices, default=Category.ORDINARY
    )
    monitoring_kind = models.CharField(
        "监测类型", max_length=16, choices=MonitoringKind.choices, blank=True
    )
    category_since = models.DateField("类别起始日期", null=True, blank=True)
    created_at = models.DateTimeField(default=timezone.now)

    class Meta:
        verbose_name = "家庭"
        verbose_name_plural = "家庭"
        constraints = [
            models.UniqueConstraint(fields=["county", "number"], name="household_number_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.number}（{self.get_category_display()}）"

    def within(self, scope: Scope) -> bool:
        """In a scope (accounts.scope) if its county is: the capability table asks."""
        return scope.contains_region(self.county_id)

    @property
    def is_assisted(self) -> bool:
        return self.category in ASSISTED

    def category_on(self, day: dt.date) -> HouseholdStatus | None:
        """The status in force on `day`, from the history.

        Read from `statuses.all()`, so that a roster prefetching the statuses of its
        trainees' households asks the database once, not once a trainee.
        """
        in_force = [
            s for s in self.statuses.all() if s.start <= day and (s.end is None or s.end > day)
        ]
        return max(in_force, key=lambda s: s.start, default=None)


class HouseholdStatus(models.Model):
    """One period of a household's assistance category; the open one has no end."""

    household = models.ForeignKey(Household, on_delete=models.CASCADE, related_name="statuses")
    category = models.CharField("家庭类别", max_length=16, choices=Category.choices)
    monitoring_kind = models.CharField(
        "监测类型", max_length=16, choices=MonitoringKind.choices, blank=True
    )
    start = models.DateField("起始日期")
    end = models.DateField("结束日期", null=True, blank=True)
    note = models.CharField("说明", max_length=255, blank=True)

    class Meta:
        ordering = ["start", "id"]
        verbose_name = "家庭类别记录"
        verbose_name_plural = "家庭类别记录"
        constraints = [
            models.CheckConstraint(
                name="status_end_after_start",
                condition=models.Q(end__isnull=True) | models.Q(end__gte=models.F("start")),
            ),
            models.UniqueConstraint(
                fields=["household"], condition=models.Q(end__isnull=True), name="one_open_status"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_category_display()} {self.start}–{self.end or ''}"


class Sex(models.TextChoices):
    MALE = "M", "男"
    FEMALE = "F", "女"


class PersonQuerySet(models.QuerySet):
    def with_id_number(self, number: str) -> PersonQuerySet:
        # During a key rotation a person not yet re-sealed is indexed under the old key.
        indexes = sealer().indexes(number)
        if len(indexes) == 1:
            return self.filter(id_index=indexes[0])
        return self.filter(id_index__in=indexes)

    def search(self, text: str) -> PersonQuerySet:
        """Name, pinyin initials, or a whole ID number."""

        text = text.strip()
        if not text:
            return self
        checked = idnumber.normalise(text)[0]
        if len(checked) == 18 and checked[:17].isdigit():
            return self.with_id_number(checked)
        if text.isascii() and text.isalpha():
            return self.filter(**{f"name_initials__{Prefix.lookup_name}": text.lower()})
        if any("\u4e00" <= ch <= "\u9fff" for ch in text):
            return self.filter(name__contains=text)
        return self.filter(models.Q(name__contains=text) | models.Q(phone__contains=text))


class Person(models.Model):
    name = models.CharField("姓名", max_length=64)
    # Stored in lower case, searched by prefix (db.Prefix) and sorted by: see Meta.indexes.
    name_initials = models.CharField("拼音首字母", max_length=32)
    id_sealed = models.TextField("身份证号（加密）")
    id_index = models.CharField(max_length=32)  # 128-bit HMAC of the ID number; unique below
    id_masked = models.CharField("身份证号", max_length=18)
    sex = models.CharField("性别", max_length=1, choices=Sex.choices)
    birth_date = models.DateField("出生日期")
    ethnicity = models.CharField("民族", max_length=16, blank=True)
    phone = models.CharField("联系电话", max_length=20, blank=True)
    education = models.CharField("文化程度", max_length=16, blank=True)
    # Indexed by the (county, name) and (county, id) indexes below.
    county = models.ForeignKey(
        "regions.Region",
        verbose_name="所属县（区）",
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    township = models.CharField("乡镇（街道）", max_length=64, blank=True)
    village = models.CharField("村（社区）", max_length=64, blank=True)
    resettlement_site = models.ForeignKey(
        "regions.ResettlementSite",
        verbose_name="安置区",
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
        db_index=False,
    )
    household = models.ForeignKey(
        Household,
        verbose_name="家庭",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="members",
    )
    relation = models.CharField("与户主关系", max_length=16, blank=True)
    # The ledger (台账): what the needs survey found this person wants.
    # None is an answer nobody could read as yes or no (培训意愿：也许): unknown, never 否.
    wants_training = models.BooleanField("培训意愿", null=True, default=False)
    training_occupations = models.CharField("意向工种", max_length=255, blank=True)
    wants_school = models.BooleanField("就读技工院校意愿", null=True, default=False)
    wants_job = models.BooleanField("就业意愿", null=True, default=False)
    surveyed_on = models.DateField("调查日期", null=True, blank=True)
    surveyed_by = models.ForeignKey(
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
    # Digest of the ledger row that last set this person, while nothing else has changed
    # them since; a re-import skips a row whose digest matches. Any other save clears it.
    import_digest = models.CharField(max_length=16, blank=True, default="", editable=False)
    # The import and the row of its file that created or last changed this person: the
    # import's audit entry covers all the people it created, this says which row each was.
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

    objects = PersonQuerySet.as_manager()

    class Meta:
        verbose_name = "人员"
        verbose_name_plural = "人员"
        # A constraint rather than unique=True: PostgreSQL then keeps no second,
        # pattern-matching index on the blind index, which nothing searches by prefix
        # and every insert would update.
        constraints = [models.UniqueConstraint(fields=["id_index"], name="person_id_index_unique")]
        indexes = [
            models.Index(fields=["county", "name"]),
            # The ledger of a county, page by page in the order people were registered.
            models.Index(fields=["county", "id"], name="person_county_id"),
            # The pinyin-initials search (a prefix, read as a range: db.Prefix) and the
            # ledger sorted by name, page by page.
            models.Index(fields=["name_initials", "id"], name="person_initials"),
            # A re-import finds the rows it wrote before by digest; people never
            # imported, or changed since, have none and stay out of the index.
            models.Index(
                fields=["import_digest"],
                name="person_import_digest",
                condition=~models.Q(import_digest=""),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.id_masked}）"

    def save(self, *args, **kwargs) -> None:
        self.import_digest = ""
        update_fields = kwargs.get("update_fields")
        if update_fields is not None:
            kwargs["update_fields"] = {*update_fields, "import_digest"}
        super().save(*args, **kwargs)

    def within(self, scope: Scope) -> bool:
        """In a scope (accounts.scope) if its county is: the capability table asks."""
        return scope.contains_region(self.county_id)

    @property
    def audit_person_id(self) -> int | None:
        """The person an audit entry about this row concerns: this one."""
        return self.pk

    @property
    def id_number(self) -> str:
        """The whole number; callers that show it must log the view."""
        return sealer().open(self.id_sealed)

    @property
    def age(self) -> int:
        today = dt.date.today()
        b = self.birth_date
        return today.year - b.year - ((today.month, today.day) < (b.month, b.day))

    def set_id_number(self, number: str) -> None:
        self.id_sealed = sealer().seal(number)
        self.id_index = sealer().index(number)
        self.id_masked = idnumber.mask(number)
        self.sex = idnumber.sex(number)
        self.birth_date = idnumber.birth_date(number)


def import_upload_path(instance: object, filename: str) -> str:
    """Where the ledger import jobs of migration 0001 kept their uploads; imports are now
    accounts.Job, and this stays only because that migration names it."""
    return f"imports/{timezone.now():%Y%m}/{filename}"


class PersonAccount(models.Model):
    """The login of the person themselves (本人账户): one user, one person, for life.

    The link lives here, in `people`, the lowest app that owns its subject: `accounts`
    sits below `people` and cannot name a Person, and every app above (training,
    evaluation, and later subsidies, students, employment) reads the person a signed-in
    user is through this one row. The user's role is accounts.Role.PERSON; what that
    user may see is cut to this person by accounts.scope (Scope.person_id) and to their
    own pages by accounts.middleware.
    """

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="person_account"
    )
    person = models.OneToOneField(Person, on_delete=models.PROTECT, related_name="account")
    opened_at = models.DateTimeField("开通时间", default=timezone.now)
    # Who opened it: a clerk or officer, or None when the person opened it with a code.
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="开通人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )

    class Meta:
        verbose_name = "本人账户"
        verbose_name_plural = "本人账户"

    def __str__(self) -> str:
        return f"{self.person.name}的本人账户"

    @property
    def audit_person_id(self) -> int:
        return self.person_id


class AccountCode(models.Model):
    """A one-time code that lets a person open their own account (开通码).

    Only a keyed digest is kept (skillaid.lib.onetimecode); the code itself is shown once,
    to whoever issued it. A person has at most one live code: issuing a new one voids the
    old. A code is spent by opening the account, void after too many wrong tries, and dead
    after its expiry.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="account_codes")
    digest = models.CharField(max_length=64)
    issued_at = models.DateTimeField("签发时间", default=timezone.now)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    # How it reached the person: 花名册开通单, 人员页面, 短信, 首次签到.
    via = models.CharField("签发途径", max_length=16)
    expires_at = models.DateTimeField("有效期至")
    failures = models.PositiveSmallIntegerField("输错次数", default=0)
    used_at = models.DateTimeField("使用时间", null=True, blank=True)
    voided_at = models.DateTimeField("作废时间", null=True, blank=True)

    class Meta:
        verbose_name = "开通码"
        verbose_name_plural = "开通码"
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(used_at__isnull=True, voided_at__isnull=True),
                name="one_live_account_code",
            )
        ]

    def __str__(self) -> str:
        return f"{self.person_id} 开通码（{self.issued_at:%Y-%m-%d}）"

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    def live(self, now: dt.datetime | None = None) -> bool:
        return (
            self.used_at is None
            and self.voided_at is None
            and (now or timezone.now()) < self.expires_at
        )


class AccountOpenFailure(models.Model):
    """A failed try at the public opening page, by address: more than a few an hour from one
    address and the page refuses that address for a while, whichever ID number is typed."""

    address = models.CharField(max_length=45)
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        indexes = [models.Index(fields=["address", "at"])]

    def __str__(self) -> str:
        return f"{self.address} {self.at:%Y-%m-%d %H:%M}"


class FactKind(TextChoices):
    """What a registry (or a clerk's check of papers) can say of a person: each is a basis a
    roster or an application declares, or a status another system keeps."""

    ASSISTED = "assisted", "脱贫户/监测户（帮扶家庭）"
    SCHOOL_LEAVER = "school_leaver", "两后生（初高中毕业未升学）"
    MIGRANT = "migrant", "农村转移就业劳动者"
    UNEMPLOYED = "unemployed", "登记失业人员"
    INSURED = "insured", "参保职工"
    GRADUATE = "graduate", "毕业年度高校毕业生"
    STUDENT = "student", "技工院校在籍学生"


class FactVerdict(TextChoices):
    VERIFIED = "verified", "已核实"
    CONTRADICTED = "contradicted", "比对不符"


class FactSource(TextChoices):
    REGISTRY = "registry", "外部名单比对"
    PAPERS = "papers", "人工核验材料"


class PersonFact(models.Model):
    """A dated, sourced fact about a person: what a registry (or a clerk who saw the papers)
    said of one basis on one date, e.g. 脱贫户 verified on 2026-11-01 by the assisted-
    household registry. Kept here, at the layer that owns the person, so that training and
    subsidies read it; written by `matching` (a comparison run's accepted results) and by a
    county clerk's check. Never edited: a later fact of the same kind supersedes an earlier.
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="facts")
    kind = models.CharField("核实事项", max_length=16, choices=FactKind.choices)
    verdict = models.CharField("核实结果", max_length=16, choices=FactVerdict.choices)
    # The date the source speaks for (the registry snapshot's as-of date, the day the
    # papers were seen).
    as_of = models.DateField("核实日期")
    # The period the fact covers, when the source gives one (a category since a date, an
    # unemployment registration ended on a date); open ends are unknown or still running.
    valid_from = models.DateField("有效期起", null=True, blank=True)
    valid_until = models.DateField("有效期止", null=True, blank=True)
    detail = models.CharField("说明", max_length=255, blank=True)
    source_kind = models.CharField("来源类型", max_length=16, choices=FactSource.choices)
    # The source named for people: 广西防返贫监测信息平台（2026-11-01）, 毕业证书.
    source = models.CharField("来源", max_length=128)
    # The record that produced the fact, by model label and key (a comparison run's
    # result): `matching` sits above this app and is never imported here.
    origin_model = models.CharField(max_length=64, blank=True)
    origin_id = models.PositiveBigIntegerField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name="记录人",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        db_index=False,
    )
    recorded_at = models.DateTimeField("记录时间", default=timezone.now)

    class Meta:
        ordering = ["-as_of", "-id"]
        verbose_name = "核实记录"
        verbose_name_plural = "核实记录"
        indexes = [models.Index(fields=["person", "kind", "as_of"], name="person_fact_latest")]
        constraints = [
            models.CheckConstraint(
                name="fact_period",
                condition=models.Q(valid_from__isnull=True)
                | models.Q(valid_until__isnull=True)
                | models.Q(valid_until__gte=models.F("valid_from")),
            )
        ]

    def __str__(self) -> str:
        return (
            f"{self.get_kind_display()}{self.get_verdict_display()}"
            f"（{self.as_of:%Y-%m-%d}，{self.source}）"
        )

    @property
    def audit_person_id(self) -> int:
        return self.person_id

    def covers(self, day: dt.date) -> bool:
        """Whether the fact's period (where it has one) includes `day`."""
        return (self.valid_from is None or self.valid_from <= day) and (
            self.valid_until is None or day <= self.valid_until
        )
