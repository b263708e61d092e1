"""The indicators SkillAid counts, each defined once (see reports.tally.Indicator).

Where a plan's target names the same thing in its own words (plan_targets.csv), the
wording is listed in `aliases`, so that loading the targets ties each to its indicator.
Two of the plans' lines are counted by nothing here and stay without an indicator:
制定或修订国家职业标准 (national standards are written by the ministry, not recorded
here) and 新建、改（扩）建技工院校和职业培训机构 (institutions carry no founding date).

Codes (the interface the desk, dashboards and report packs read):

- 培训: trainings, trainings_migrant, trainings_assisted, trainings_key_counties
- 评价: certificates, certificates_high_skilled, certificates_specialised
- 技工院校: students_new, students_assisted
- 就业: referrals, referrals_after_training, trained_seekers, referrals_per_trained (ratio),
  employed_3m, employed_3m_measured, employment_rate_3m (ratio)
- 能力建设: capacity_<kind> for each institutions.CapacityKind
- 资金: paid
- 台账: ledger_people, ledger_assisted, ledger_wants_training, ledger_wants_school,
  ledger_wants_job (people by county and the month they were registered: a sum over all
  months is today's count)
"""

from __future__ import annotations

from decimal import Decimal

from django.db import models
from django.db.models import Exists, F, Func, OuterRef, Value
from django.db.models.functions import Coalesce

from skillaid.catalogue.models import SkillLevel
from skillaid.employment import funnel
from skillaid.employment.models import Referral, Seeker
from skillaid.evaluation.models import Certificate, CertificateKind
from skillaid.institutions.models import Capacity, CapacityKind
from skillaid.people.models import ASSISTED, Person
from skillaid.students.models import StudentEnrolment, StudentStatus
from skillaid.subsidies.payment_models import Payment, PaymentStatus
from skillaid.training.models import Basis, Completion, Enrolment

from .tally import Indicator, indicator_register

# 高级工及以上 (high-skilled): 三级/高级工, 二级/技师, 一级/高级技师, and the grades above
# them (特级技师, 首席技师).
HIGH_SKILLED_LEVELS = (
    SkillLevel.LEVEL_3,
    SkillLevel.LEVEL_2,
    SkillLevel.LEVEL_1,
    SkillLevel.SPECIALIST,
    SkillLevel.CHIEF,
)


def _trainings():  # noqa: ANN202
    return Enrolment.objects.filter(
        training_class__subsidised=True, completion=Completion.COMPLETED
    )


_TRAINING_PATHS = {
    "county": "training_class__county__code",
    "day": "training_class__end_on",
    "institution": "training_class__institution_id",
    "person": "person_id",
}

TRAININGS = indicator_register(
    Indicator(
        code="trainings",
        name="补贴性职业技能培训",
        unit="人次",
        counts="申请补贴的培训班中已结业的学员，按培训班所在县（区）和结业日期计",
        records=_trainings,
        **_TRAINING_PATHS,
        aliases=("开展补贴性职业技能培训", "累计开展职业技能培训", "每年培训农村户籍劳动者"),
        group="培训",
    )
)

TRAININGS_MIGRANT = indicator_register(
    Indicator(
        code="trainings_migrant",
        name="其中：农民工参加补贴性培训",
        unit="人次",
        counts="补贴性职业技能培训中，申报补贴对象类别为“农村转移就业劳动者”的已结业学员，"
        "按培训班所在县（区）和结业日期计",
        records=lambda: _trainings().filter(basis=Basis.MIGRANT),
        **_TRAINING_PATHS,
        aliases=("其中：农民工参加职业技能培训",),
        group="培训",
    )
)

TRAININGS_ASSISTED = indicator_register(
    Indicator(
        code="trainings_assisted",
        name="其中：脱贫家庭/监测帮扶对象参加补贴性培训",
        unit="人次",
        counts="补贴性职业技能培训中，申报补贴对象类别为“脱贫家庭/监测帮扶对象”的已结业学员，"
        "按培训班所在县（区）和结业日期计",
        records=lambda: _trainings().filter(basis=Basis.ASSISTED),
        **_TRAINING_PATHS,
        group="培训",
    )
)

TRAININGS_KEY_COUNTIES = indicator_register(
    Indicator(
        code="trainings_key_counties",
        name="重点帮扶县补贴性职业技能培训",
        unit="人次",
        counts="补贴性职业技能培训中，培训班所在县（区）为乡村振兴重点帮扶县（国家、自治区、"
        "参照）的已结业学员，按培训班所在县（区）和结业日期计",
        records=lambda: _trainings().filter(training_class__county__key_county__isnull=False),
        **_TRAINING_PATHS,
        group="培训",
    )
)


def _certificates():  # noqa: ANN202
    return Certificate.objects.filter(revoked_on__isnull=True)


_CERTIFICATE_PATHS = {
    "county": "person__county__code",
    "day": "issued_on",
    "institution": "enrolment__training_class__institution_id",
    "person": "person_id",
}

CERTIFICATES = indicator_register(
    Indicator(
        code="certificates",
        name="新增职业资格或职业技能等级证书",
        unit="人次",
        counts="未注销的职业资格证书、职业技能等级证书和专项职业能力证书，按持证人所在县（区）和发证日期计",
        records=lambda: _certificates().exclude(kind=CertificateKind.TRAINING),
        **_CERTIFICATE_PATHS,
        aliases=("新增取得职业资格证书或职业技能等级证书",),
        group="评价",
    )
)

CERTIFICATES_HIGH_SKILLED = indicator_register(
    Indicator(
        code="certificates_high_skilled",
        name="新增高技能人才（高级工及以上）",
        unit="人次",
        counts="未注销的职业资格证书和职业技能等级证书中，等级为三级/高级工、二级/技师、"
        "一级/高级技师、特级技师或首席技师的，按持证人所在县（区）和发证日期计",
        records=lambda: _certificates().filter(
            kind__in=(CertificateKind.QUALIFICATION, CertificateKind.SKILL_LEVEL),
            level__in=HIGH_SKILLED_LEVELS,
        ),
        **_CERTIFICATE_PATHS,
        aliases=("其中：新增高技能人才（高级工及以上）", "培养高级工以上高技能人才和乡村工匠"),
        group="评价",
    )
)

CERTIFICATES_SPECIALISED = indicator_register(
    Indicator(
        code="certificates_specialised",
        name="专项职业能力考核（取证）",
        unit="人次",
        counts="未注销的专项职业能力证书，按持证人所在县（区）和发证日期计；"
        "“每县至少实施专项职业能力项目”看有证书的县（区）数",
        records=lambda: _certificates().filter(kind=CertificateKind.SPECIALISED),
        **_CERTIFICATE_PATHS,
        aliases=("每县至少实施专项职业能力项目", "每个帮扶县至少实施专项职业能力项目考核"),
        group="评价",
    )
)


def _students_new():  # noqa: ANN202
    # A transfer closes one enrolment and opens another at the receiving school: only the
    # first is a new student (新招收).
    transferred_before = StudentEnrolment.objects.filter(
        person_id=OuterRef("person_id"),
        status=StudentStatus.TRANSFERRED,
        entered_on__lt=OuterRef("entered_on"),
    )
    return StudentEnrolment.objects.exclude(Exists(transferred_before))


def _students_assisted():  # noqa: ANN202
    return _students_new().filter(person__household__category__in=ASSISTED)


_STUDENT_PATHS = {
    "county": "county__code",
    "day": "entered_on",
    "institution": "school_id",
    "person": "person_id",
}

STUDENTS_NEW = indicator_register(
    Indicator(
        code="students_new",
        name="技工院校新招收学生",
        unit="人",
        counts="技工院校学籍（转学转入的学籍不重复计），按生源县（区）、院校和入学日期计",
        records=_students_new,
        **_STUDENT_PATHS,
        group="技工院校",
    )
)


STUDENTS_ASSISTED = indicator_register(
    Indicator(
        code="students_assisted",
        name="技工院校新招收脱贫家庭学生",
        unit="人",
        counts="技工院校学籍中，学生家庭当前类别为脱贫户或监测户的（转学转入的学籍不重复计），"
        "按生源县（区）、院校和入学日期计",
        records=_students_assisted,
        **_STUDENT_PATHS,
        aliases=("技工院校累计新招收建档立卡贫困家庭学生",),
        group="技工院校",
    )
)

REFERRALS = indicator_register(
    Indicator(
        code="referrals",
        name="推荐就业岗位",
        unit="次",
        counts="向求职登记人员推荐就业岗位的记录，按求职人员所在县（区）和推荐日期计",
        records=lambda: Referral.objects.all(),
        county="seeker__county__code",
        day="referred_on",
        person="seeker__person_id",
        group="就业",
    )
)


def _referrals_after_training():  # noqa: ANN202
    trained = Enrolment.objects.filter(
        person_id=OuterRef("seeker__person_id"),
        completion=Completion.COMPLETED,
        training_class__end_on__lte=OuterRef("referred_on"),
    )
    return Referral.objects.filter(Exists(trained))


REFERRALS_AFTER_TRAINING = indicator_register(
    Indicator(
        code="referrals_after_training",
        name="培训后推荐就业岗位",
        unit="次",
        counts="推荐日期在本人某个培训班结业之日或之后的岗位推荐记录，"
        "按求职人员所在县（区）和推荐日期计",
        records=_referrals_after_training,
        county="seeker__county__code",
        day="referred_on",
        person="seeker__person_id",
        group="就业",
    )
)

TRAINED_SEEKERS = indicator_register(
    Indicator(
        code="trained_seekers",
        name="培训结业的求职登记人员",
        unit="人次",
        counts="已结业的培训学员（含不申请补贴的培训班）中已做求职登记的，"
        "按学员所在县（区）和结业日期计",
        records=lambda: Enrolment.objects.filter(completion=Completion.COMPLETED).filter(
            Exists(Seeker.objects.filter(person_id=OuterRef("person_id")))
        ),
        county="person__county__code",
        day="training_class__end_on",
        institution="training_class__institution_id",
        person="person_id",
        group="就业",
    )
)

REFERRALS_PER_TRAINED = indicator_register(
    Indicator(
        code="referrals_per_trained",
        name="培训后人均推荐就业岗位",
        unit="个/人",
        counts="培训后推荐就业岗位（次）÷ 培训结业的求职登记人员（人次）：分母只计已做求职登记的"
        "结业学员（未登记的无从推荐），同期分别计",
        ratio=("referrals_after_training", "trained_seekers"),
        aliases=("培训后暂未就业劳动力推介就业岗位信息",),
        group="就业",
    )
)

_FUNNEL_PATHS = {
    "county": "person__county__code",
    "day": "training_class__end_on",
    "institution": "training_class__institution_id",
    "person": "person_id",
    # A class's employment three months on is settled months after its end, and reading it
    # is dear (the funnel's subqueries per line): rebuilt by the full refresh only.
    "recent": False,
}

EMPLOYED_3M = indicator_register(
    Indicator(
        code="employed_3m",
        name="培训结业三个月后仍在岗",
        unit="人次",
        counts="已结业学员中，结业满三个月之日有就业登记覆盖或其前后31天内确认的最近一次状态为就业的"
        "（口径同“培训就业情况”），按学员所在县（区）和结业日期计",
        records=lambda: funnel.counted_lines("still"),
        **_FUNNEL_PATHS,
        group="就业",
    )
)

EMPLOYED_3M_MEASURED = indicator_register(
    Indicator(
        code="employed_3m_measured",
        name="结业已满三个月的学员",
        unit="人次",
        counts="已结业且结业已满三个月的学员（口径同“培训就业情况”），按学员所在县（区）和结业日期计",
        records=lambda: funnel.counted_lines("measured"),
        **_FUNNEL_PATHS,
        group="就业",
    )
)

EMPLOYMENT_RATE_3M = indicator_register(
    Indicator(
        code="employment_rate_3m",
        name="培训结业三个月后就业率",
        unit="比率",
        counts="培训结业三个月后仍在岗（人次）÷ 结业已满三个月的学员（人次）",
        ratio=("employed_3m", "employed_3m_measured"),
        group="就业",
    )
)


class YearStart(Func):
    """1 January of an integer year column, computed by the database."""

    output_field = models.DateField()

    def as_sqlite(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        sql, params = compiler.compile(self.source_expressions[0])
        return f"date(printf('%%04d-01-01', {sql}))", params

    def as_postgresql(self, compiler, connection, **extra):  # noqa: ANN001, ANN003, ANN201
        sql, params = compiler.compile(self.source_expressions[0])
        return f"make_date(CAST({sql} AS integer), 1, 1)", params


CAPACITY_ALIASES = {
    CapacityKind.PUBLIC_BASE: ("新建公共实训基地",),
    CapacityKind.HIGH_SKILL_BASE: ("建设高技能人才培训基地",),
    CapacityKind.MASTER_STUDIO: ("建立技能大师工作室",),
    CapacityKind.ASSESSMENT_NORM: ("开发专项职业能力考核规范",),
    CapacityKind.LABOUR_BRAND: ("培育知名劳务品牌",),
}


def _capacity(kind: str):  # noqa: ANN202
    def records():  # noqa: ANN202
        return Capacity.objects.filter(kind=kind).annotate(
            counted_on=Coalesce(F("published_on"), F("held_on"), YearStart(F("year")))
        )

    return records


for _kind in CapacityKind:
    indicator_register(
        Indicator(
            code=f"capacity_{_kind.value}",
            name=_kind.label,
            unit="个",
            counts=f"登记的{_kind.label}，按所在地区和公布日期（无公布日期的按举办日期，"
            "都没有的按年度的1月）计；地区为市或省的只计入该市或全省",
            records=_capacity(_kind.value),
            county="region__code",
            day="counted_on",
            institution="institution_id",
            aliases=CAPACITY_ALIASES.get(_kind, ()),
            group="能力建设",
        )
    )

PAID = indicator_register(
    Indicator(
        code="paid",
        name="补贴资金发放",
        unit="元",
        counts="银行已发放成功的补贴款项，扣除其后冲回的金额，按发放批次所在县（区）和登记发放结果的日期计",
        # A paid payment stays paid for ever; money taken back is a Reversal beside it,
        # netted here into the payment's own month.
        records=lambda: Payment.objects.filter(status=PaymentStatus.PAID).annotate(
            net=F("amount") - Coalesce(F("reversal__amount"), Value(Decimal("0")))
        ),
        county="batch__county__code",
        day="settled_at",
        institution="line__claim__institution_id",
        person="line__person_id",
        amount="net",
        group="资金",
    )
)

_LEDGER = (
    ("ledger_people", "台账人数", "台账登记的全部人员", {}),
    (
        "ledger_assisted",
        "其中：脱贫户/监测户人员",
        "台账中家庭当前类别为脱贫户或监测户的人员",
        {"household__category__in": ASSISTED},
    ),
    ("ledger_wants_training", "有培训意愿", "台账中培训意愿为“是”的人员", {"wants_training": True}),
    (
        "ledger_wants_school",
        "有就读技工院校意愿",
        "台账中就读技工院校意愿为“是”的人员",
        {"wants_school": True},
    ),
    ("ledger_wants_job", "有就业意愿", "台账中就业意愿为“是”的人员", {"wants_job": True}),
)

for _code, _name, _counts, _filter in _LEDGER:
    indicator_register(
        Indicator(
            code=_code,
            name=_name,
            unit="人",
            counts=f"{_counts}，按所属县（区）和登记入台账的月份计（各月相加为当前人数）",
            records=(lambda f=_filter: Person.objects.filter(**f)),
            county="county__code",
            day="created_at",
            person="id",
            group="台账",
        )
    )
