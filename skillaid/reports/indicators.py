"""The indicators SkillAid counts, each defined once (see reports.tally.Indicator).

Where a plan's target names the same thing in its own words (plan_targets.csv), the
wording is listed in `aliases`, so that loading the targets ties each to its indicator.
"""

from __future__ import annotations

from skillaid.evaluation.models import Certificate, CertificateKind
from skillaid.subsidies.payment_models import Payment, PaymentStatus
from skillaid.training.models import Completion, Enrolment

from .tally import Indicator, indicator_register


def _trainings():  # noqa: ANN202
    return Enrolment.objects.filter(
        training_class__subsidised=True, completion=Completion.COMPLETED
    )


TRAININGS = indicator_register(
    Indicator(
        code="trainings",
        name="补贴性职业技能培训",
        unit="人次",
        counts="申请补贴的培训班中已结业的学员，按培训班所在县（区）和结业日期计",
        records=_trainings,
        county="training_class__county__code",
        day="training_class__end_on",
        institution="training_class__institution_id",
        person="person_id",
        aliases=("开展补贴性职业技能培训", "累计开展职业技能培训"),
        group="培训",
    )
)

CERTIFICATES = indicator_register(
    Indicator(
        code="certificates",
        name="新增职业资格或职业技能等级证书",
        unit="人次",
        counts="未注销的职业资格证书、职业技能等级证书和专项职业能力证书，按持证人所在县（区）和发证日期计",
        records=lambda: Certificate.objects.filter(revoked_on__isnull=True).exclude(
            kind=CertificateKind.TRAINING
        ),
        county="person__county__code",
        day="issued_on",
        institution="enrolment__training_class__institution_id",
        person="person_id",
        aliases=("新增取得职业资格证书或职业技能等级证书",),
        group="评价",
    )
)

PAID = indicator_register(
    Indicator(
        code="paid",
        name="补贴资金发放",
        unit="元",
        counts="银行已发放成功的补贴款项，按发放批次所在县（区）和登记结果的日期计",
        records=lambda: Payment.objects.filter(status=PaymentStatus.PAID),
        county="batch__county__code",
        day="settled_at",
        institution="line__claim__institution_id",
        person="line__person_id",
        amount="amount",
        group="资金",
    )
)


# --- The county ledger (台账) summary the desk shows: people registered, of assisted
# households, and wanting training, a technical-school place or a job; by the person's
# county and the month they were registered. (Added with the desk; the integrator keeps one
# definition of each code if the targets part defines them too.)


def _ledger(**condition: object):  # noqa: ANN202
    from skillaid.people.models import Person

    return lambda: Person.objects.filter(**condition)


def _ledger_indicator(code: str, name: str, counts: str, **condition: object) -> Indicator:
    return indicator_register(
        Indicator(
            code=code,
            name=name,
            unit="人",
            counts=counts + "，按人员所在县（区）和登记日期计",
            records=_ledger(**condition),
            county="county__code",
            day="created_at",
            person="pk",
            group="台账",
        )
    )


def _assisted() -> dict[str, object]:
    from skillaid.people.models import ASSISTED

    return {"household__category__in": list(ASSISTED)}


LEDGER_PEOPLE = _ledger_indicator("ledger_people", "台账登记人数", "台账中登记的人员")
LEDGER_ASSISTED = _ledger_indicator(
    "ledger_assisted", "其中帮扶家庭人员", "台账中家庭为脱贫户或监测户的人员", **_assisted()
)
LEDGER_WANTS_TRAINING = _ledger_indicator(
    "ledger_wants_training", "有培训意愿", "台账中有培训意愿的人员", wants_training=True
)
LEDGER_WANTS_SCHOOL = _ledger_indicator(
    "ledger_wants_school", "有就读技工院校意愿", "台账中有就读技工院校意愿的人员", wants_school=True
)
LEDGER_WANTS_JOB = _ledger_indicator(
    "ledger_wants_job", "有就业意愿", "台账中有就业意愿的人员", wants_job=True
)
