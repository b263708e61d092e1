"""The employment services' events on a person's lifelong record (evaluation.record): the
postings recommended and what came of them, each confirmed employment status and each
job registered. Read by the person on their own record and by the bureaus that see it."""

from __future__ import annotations

from .models import Placement, Referral, StatusRecord


def record_events(person) -> list:  # noqa: ANN001
    from skillaid.evaluation.record import Event

    events = []
    for r in Referral.objects.filter(seeker__person=person).select_related(
        "posting__occupation", "employer"
    ):
        result = r.get_outcome_display() + (f"（{r.outcome_reason}）" if r.outcome_reason else "")
        events.append(Event(r.referred_on, "推荐岗位", r.posting.title, r.employer.name, result))
    for s in StatusRecord.objects.filter(seeker__person=person):
        events.append(
            Event(
                s.confirmed_on,
                "就业状态",
                s.get_status_display(),
                s.employer_name,
                s.get_confirmed_by_display(),
            )
        )
    for p in Placement.objects.filter(seeker__person=person).select_related("employer"):
        end = "无固定期限" if p.open_ended else f"至{p.contract_end:%Y-%m-%d}"
        events.append(
            Event(
                p.contract_start,
                "就业登记",
                p.job or "—",
                p.employer.name,
                f"劳动合同{end}" + ("，已核实" if p.confirmed_on else "，待核实"),
            )
        )
    return events
