"""Random inspections (双随机、一公开, 002 (二十七)): a reviewer draws classes or institutions
at random from a region's population and inspectors from a pool, by a recorded seed; the
inspectors drawn read what was drawn for them and record their findings; the reviewer
publishes the results on a public page.

The draw itself is `skillaid.lib.randomdraw.plan` (its rule is written there and on the
public page). The seed is made on the server (`secrets`) when the draw is made, never typed
by the person drawing: with the rule and the population public, a chosen seed could be
tried offline until the result suits. The draw records its seed and when it was made, the
population's ids with their institutions, the pool's ids and the ties (回避) then in force,
each with its digest, so `inspection_redo` redoes it from the record alone and says whether
the record is intact and whether the population, the pool or the ties have changed since.

- The population: classes approved or closed whose dates meet the period, held in the
  region's counties; or the institutions of the region listed in the catalogue.
- The pool: active inspectors whose region (the pool they are kept in) lies in the
  drawing region, or contains it (a province's inspectors serve every city and county).
- Findings: one per inspector and item, which the inspector may correct until the draw
  is published. Publication locks the findings; it may be made while some items still
  lack one: those are shown as 未完成 (not finished) on the public page, so one absent
  inspector cannot hold back the results of the others. It needs at least one finding.
"""

from __future__ import annotations

import datetime as dt
import secrets
from dataclasses import dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils import timezone

from skillaid.accounts.capabilities import require
from skillaid.accounts.models import Action, Role, User, audit
from skillaid.accounts.scope import Scope
from skillaid.institutions.models import CatalogueStatus, Institution
from skillaid.lib import idnumber, randomdraw
from skillaid.regions.models import Region
from skillaid.training.models import ClassStatus, TrainingClass

from .models import (
    Finding,
    FindingResult,
    InspectionDraw,
    InspectionItem,
    InspectorLink,
    Population,
)

SEED_MAX = 64
TEXT_MAX = 2000
PER_ITEM_MAX = 5
SAMPLE_MAX = 500
# The worse result wins when the inspectors of one item disagree.
SEVERITY = {FindingResult.PASS: 0, FindingResult.RECTIFY: 1, FindingResult.FAIL: 2}
UNFINISHED = "未完成"


class _Place:
    """A region as the capability table sees it (inspection.draw over a region)."""

    def __init__(self, region: Region) -> None:
        self.region = region

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.region.code)

    def __str__(self) -> str:
        return f"{self.region.name}（{self.region.code}）"


class _Inspector:
    """An inspector's account as inspector.manage sees it: kept by the reviewers over the
    region of its pool."""

    def __init__(self, inspector: User) -> None:
        self.inspector = inspector

    def within(self, scope: Scope) -> bool:
        return scope.contains_region(self.inspector.region_id)

    def __str__(self) -> str:
        return f"检查人员{self.inspector.display_name}"


# --- populations and pools -------------------------------------------------------------------


def population_rows(
    kind: str, region: Region, start: dt.date, end: dt.date
) -> list[tuple[int, int]]:
    """(object id, institution id) of the population, ascending by id."""
    if kind == Population.CLASSES:
        rows = TrainingClass.objects.filter(
            status__in=[ClassStatus.APPROVED, ClassStatus.CLOSED],
            start_on__lte=end,
            end_on__gte=start,
            county__code__startswith=region.prefix,
        ).values_list("id", "institution_id")
    elif kind == Population.INSTITUTIONS:
        rows = Institution.objects.filter(
            status=CatalogueStatus.LISTED, region__code__startswith=region.prefix
        ).values_list("id", "id")
    else:
        raise ValueError(f"unknown population {kind!r}")
    return sorted(rows)


def _ancestors(region: Region) -> list[str]:
    codes = []
    node = region.parent
    while node is not None:
        codes.append(node.code)
        node = node.parent
    return codes


def inspector_pool(region: Region) -> QuerySet[User]:
    """The active inspectors who may be drawn for a draw in `region`, by id."""
    return User.objects.filter(
        Q(region__code__startswith=region.prefix) | Q(region_id__in=_ancestors(region)),
        role=Role.INSPECTOR,
        is_active=True,
    ).order_by("id")


def links_among(inspector_ids: list[int]) -> list[tuple[int, int]]:
    return list(
        InspectorLink.objects.filter(inspector_id__in=inspector_ids).values_list(
            "inspector_id", "institution_id"
        )
    )


# --- selectors ------------------------------------------------------------------------------


def draws_visible_to(user: User) -> QuerySet[InspectionDraw]:
    """The draws of the reviewer's regions (an inspector reads items, never draws)."""
    if user.role == Role.INSPECTOR:
        return InspectionDraw.objects.none()
    return (
        Scope.of(user)
        .filter(InspectionDraw.objects.all(), region="region__code")
        .select_related("region", "drawn_by")
    )


def draw_for(user: User, pk: object) -> InspectionDraw:
    draw = draws_visible_to(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if draw is None:
        raise Http404("抽查不存在")
    return draw


def items_of_inspector(user: User) -> QuerySet[InspectionItem]:
    """The items drawn for this inspector, newest draw first."""
    if user.role != Role.INSPECTOR or not user.is_active:
        return InspectionItem.objects.none()
    return (
        InspectionItem.objects.filter(inspectors=user)
        .select_related("draw", "draw__region", "training_class", "institution")
        .order_by("-draw__drawn_at", "draw_id", "position")
    )


def item_for_inspector(user: User, pk: object) -> InspectionItem:
    """An item drawn for this inspector; any other (or none) is the same 404."""
    item = items_of_inspector(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if item is None:
        raise Http404("检查对象不存在")
    return item


def inspectors_visible_to(user: User) -> QuerySet[User]:
    """The inspectors kept in the reviewer's regions."""
    if user.role not in {Role.CITY_REVIEWER, Role.PROVINCE_REVIEWER, Role.ADMIN}:
        return User.objects.none()
    return (
        Scope.of(user)
        .filter(User.objects.filter(role=Role.INSPECTOR), region="region__code")
        .select_related("region")
    )


def inspector_for(user: User, pk: object) -> User:
    inspector = inspectors_visible_to(user).filter(pk=pk).first() if str(pk).isdigit() else None
    if inspector is None:
        raise Http404("检查人员不存在")
    return inspector


def draws_published() -> QuerySet[InspectionDraw]:
    return InspectionDraw.objects.filter(published_at__isnull=False).select_related("region")


@dataclass
class ItemOutcome:
    item: InspectionItem
    findings: list[Finding]
    inspectors: list[User]

    @property
    def done(self) -> bool:
        return len(self.findings) >= len(self.inspectors) > 0

    @property
    def result_label(self) -> str:
        if not self.done:
            return UNFINISHED
        worst = max(self.findings, key=lambda f: SEVERITY[f.result])
        return worst.get_result_display()

    @property
    def result(self) -> str:
        if not self.done:
            return "unfinished"
        return max(self.findings, key=lambda f: SEVERITY[f.result]).result


def draw_outcomes(draw: InspectionDraw) -> list[ItemOutcome]:
    """Each item with its inspectors and findings, in drawing order."""
    items = list(
        draw.items.select_related("training_class", "institution", "training_class__county")
        .prefetch_related("inspectors", "findings")
        .order_by("position")
    )
    return [
        ItemOutcome(
            item=i,
            findings=sorted(i.findings.all(), key=lambda f: f.inspector_id),
            inspectors=sorted(i.inspectors.all(), key=lambda u: u.pk),
        )
        for i in items
    ]


# --- services -------------------------------------------------------------------------------


def _population_words(kind: str) -> str:
    return (
        "个培训班（已批准开班或已结业）" if kind == Population.CLASSES else "个列入目录的院校/机构"
    )


@transaction.atomic
def inspection_draw(
    *,
    actor: User,
    channel: str,
    region: Region,
    population: str,
    period_start: dt.date,
    period_end: dt.date,
    sample_size: int,
    inspectors_per_item: int,
    title: str,
    seed: str | None = None,
) -> InspectionDraw:
    """Draw `sample_size` objects of `region`'s population and `inspectors_per_item`
    inspectors for each, by a seed the server makes, and record it all. `seed` is for
    tests and fixed demo data only: no page or command passes one (a draw made with it
    records no `seed_made_at`)."""
    require(actor, "inspection.draw", _Place(region))
    errors: dict[str, str] = {}
    title = " ".join(str(title or "").split())
    if not title:
        errors["title"] = "请填写抽查名称"
    if population not in Population.values:
        errors["population"] = "请选择抽查对象：培训班或院校/培训机构"
    if period_start is None or period_end is None:
        errors["period_end"] = "请填写对象期间的起止日期"
    elif period_end < period_start:
        errors["period_end"] = (
            f"对象期间止（{period_end:%Y-%m-%d}）早于期间起（{period_start:%Y-%m-%d}）"
        )
    if not sample_size or sample_size < 1 or sample_size > SAMPLE_MAX:
        errors["sample_size"] = f"抽取数量应为1至{SAMPLE_MAX}个"
    if not inspectors_per_item or inspectors_per_item < 1 or inspectors_per_item > PER_ITEM_MAX:
        errors["inspectors_per_item"] = f"每个对象的检查人员数应为1至{PER_ITEM_MAX}人"
    if seed is not None and not 0 < len(seed) <= SEED_MAX:
        raise ValueError(f"a fixed seed has 1 to {SEED_MAX} characters")
    if errors:
        raise ValidationError(errors)

    rows = population_rows(population, region, period_start, period_end)
    where = f"{region.name}在{period_start:%Y-%m-%d}至{period_end:%Y-%m-%d}期间"
    if population == Population.INSTITUTIONS:
        where = f"{region.name}"
    if len(rows) < sample_size:
        raise ValidationError(
            {
                "sample_size": f"{where}共有{len(rows)}{_population_words(population)}，"
                f"少于抽取数量{sample_size}个；请减少抽取数量，或扩大地区、期间"
            }
        )
    pool = list(inspector_pool(region).values_list("id", flat=True))
    if len(pool) < inspectors_per_item:
        raise ValidationError(
            {
                "inspectors_per_item": f"{region.name}可派的检查人员共有{len(pool)}人，少于每个对象"
                f"须派的{inspectors_per_item}人；请先在“检查人员”页面补充检查人员"
            }
        )
    links = links_among(pool)
    # The seed is made only now, after the population, the pool and the ties are fixed.
    seed_made_at = None
    if seed is None:
        seed, seed_made_at = secrets.token_hex(16), timezone.now()
    try:
        drawn = randomdraw.plan(seed, rows, pool, links, sample_size, inspectors_per_item)
    except randomdraw.TooFew as exc:
        name = _object_name(population, exc.object_id)
        raise ValidationError(
            {
                "inspectors_per_item": f"抽中的{name}除去与其有回避关系的检查人员后只有"
                f"{exc.available}人可派（检查人员共{len(pool)}人），少于每个对象须派的"
                f"{inspectors_per_item}人；请补充检查人员或减少每个对象的检查人员数"
            }
        ) from exc

    draw = InspectionDraw.objects.create(
        title=title[:128],
        region=region,
        population=population,
        period_start=period_start,
        period_end=period_end,
        sample_size=sample_size,
        inspectors_per_item=inspectors_per_item,
        rule=randomdraw.RULE,
        seed=seed,
        seed_made_at=seed_made_at,
        population_count=len(rows),
        population_digest=randomdraw.digest(i for i, _ in rows),
        pool_count=len(pool),
        pool_digest=randomdraw.digest(pool),
        population_ids=randomdraw.ids_text(i for i, _ in rows),
        pool_ids=randomdraw.ids_text(pool),
        exclusions=randomdraw.pairs_text(links),
        exclusions_digest=randomdraw.pairs_digest(links),
        population_pairs=randomdraw.pairs_text(rows),
        population_pairs_digest=randomdraw.pairs_digest(rows),
        drawn_by=actor,
    )
    institution_of = dict(rows)
    for position, d in enumerate(drawn, start=1):
        item = InspectionItem.objects.create(
            draw=draw,
            position=position,
            training_class_id=d.object_id if population == Population.CLASSES else None,
            institution_id=institution_of[d.object_id],
        )
        item.inspectors.set(d.inspector_ids)
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=draw,
        changes={
            "region": region.code,
            "population": population,
            "period": f"{period_start}—{period_end}",
            "rule": randomdraw.RULE,
            "seed": seed,
            "seed_made_at": seed_made_at.isoformat() if seed_made_at else None,
            "population_count": len(rows),
            "population_digest": draw.population_digest,
            "pool_count": len(pool),
            "pool_digest": draw.pool_digest,
            "exclusions_digest": draw.exclusions_digest,
            "population_pairs_digest": draw.population_pairs_digest,
            "items": [[d.object_id, list(d.inspector_ids)] for d in drawn],
        },
        note=f"双随机抽取：{title}，从{len(rows)}个对象中抽取{sample_size}个，"
        f"从{len(pool)}名检查人员中每个对象抽取{inspectors_per_item}人",
    )
    return draw


def _object_name(kind: str, object_id: int | None) -> str:
    if object_id is None:
        return "对象"
    if kind == Population.CLASSES:
        c = TrainingClass.objects.select_related("institution").filter(pk=object_id).first()
        return f"培训班“{c.name}”（{c.institution.name}）" if c else f"培训班{object_id}"
    inst = Institution.objects.filter(pk=object_id).first()
    return f"院校/机构“{inst.name}”" if inst else f"院校/机构{object_id}"


@dataclass
class Redo:
    """What redoing a draw from its record gave."""

    reproduced: bool
    recorded_intact: bool  # the recorded lists still match their recorded digests
    population_now: int
    population_changed: bool
    pool_now: int
    pool_changed: bool
    links_changed: bool
    problems: list[str] = field(default_factory=list)

    def lines(self) -> list[str]:
        out = []
        if self.reproduced:
            out.append("按记录的随机种子、对象名单和检查人员名单重新抽取，结果与原抽取完全一致。")
        else:
            out.append("按记录的随机种子和名单重新抽取，结果与原抽取不一致！")
        out += self.problems
        if not self.recorded_intact:
            out.append(
                "记录的对象名单、对象所属院校/机构、检查人员名单或回避关系与其摘要不符，"
                "记录可能被改动。"
            )
        if self.population_changed:
            out.append(
                f"抽取后对象名单已有变化：现有{self.population_now}个对象，摘要与抽取时不同"
                "（如培训班新批准、结业或院校目录状态变更）；重新验证使用的是抽取时记录的名单。"
            )
        else:
            out.append("对象名单自抽取以来没有变化（摘要一致）。")
        if self.pool_changed or self.links_changed:
            out.append(
                f"抽取后检查人员名录或回避关系已有变化：现有{self.pool_now}名检查人员；"
                "重新验证使用的是抽取时记录的名录和回避关系。"
            )
        else:
            out.append("检查人员名录和回避关系自抽取以来没有变化。")
        return out


def recorded_intact(draw: InspectionDraw) -> bool:
    """Whether every list recorded with `draw` still matches its recorded digest and count:
    the population's ids, each object's institution, the pool and the ties."""
    population_ids = randomdraw.ids_of(draw.population_ids)
    pool_ids = randomdraw.ids_of(draw.pool_ids)
    pairs = randomdraw.pairs_of(draw.population_pairs)
    return (
        randomdraw.digest(population_ids) == draw.population_digest
        and randomdraw.digest(pool_ids) == draw.pool_digest
        and randomdraw.sha256_hex(draw.population_pairs) == draw.population_pairs_digest
        and randomdraw.sha256_hex(draw.exclusions) == draw.exclusions_digest
        and len(population_ids) == draw.population_count
        and len(pool_ids) == draw.pool_count
        and [i for i, _ in pairs] == sorted(population_ids)
    )


def inspection_redo(draw: InspectionDraw) -> Redo:
    """Redo `draw` from its recorded rule, seed, population (with each object's
    institution), pool and ties alone, and compare with the items recorded; compare the
    region's population, pool and ties today with the record."""
    intact = recorded_intact(draw)
    problems: list[str] = []
    reproduced = False
    try:
        again = randomdraw.plan(
            draw.seed,
            randomdraw.pairs_of(draw.population_pairs),
            randomdraw.ids_of(draw.pool_ids),
            randomdraw.pairs_of(draw.exclusions),
            draw.sample_size,
            draw.inspectors_per_item,
            rule=draw.rule,
        )
    except randomdraw.TooFew:
        problems.append("按记录的名单已无法抽取足够的对象或检查人员。")
    except ValueError:
        problems.append(f"记录的抽取规则“{draw.rule}”无法识别，无法重新抽取。")
    else:
        stored = [
            (
                item.training_class_id or item.institution_id,
                tuple(sorted(u.pk for u in item.inspectors.all())),
            )
            for item in draw.items.prefetch_related("inspectors").order_by("position")
        ]
        redone = [(d.object_id, tuple(sorted(d.inspector_ids))) for d in again]
        reproduced = stored == redone
        if not reproduced:
            problems.append("重新抽取的对象或检查人员与记录的抽查对象不同。")
    now_rows = population_rows(draw.population, draw.region, draw.period_start, draw.period_end)
    now_pool = list(inspector_pool(draw.region).values_list("id", flat=True))
    now_links = randomdraw.pairs_text(links_among(now_pool))
    return Redo(
        reproduced=reproduced and intact,
        recorded_intact=intact,
        population_now=len(now_rows),
        population_changed=randomdraw.pairs_text(now_rows) != draw.population_pairs,
        pool_now=len(now_pool),
        pool_changed=randomdraw.digest(now_pool) != draw.pool_digest,
        links_changed=now_links != draw.exclusions,
        problems=problems,
    )


def published_record(draw: InspectionDraw, outcomes: list[ItemOutcome]) -> dict:
    """What the pages publish so that anyone can redo the draw: the lists as recorded and
    each item's object id with its inspectors' numbers (their account ids, ascending)."""
    return {
        "population_pairs": draw.population_pairs,
        "pool_ids": draw.pool_ids,
        "exclusions": draw.exclusions,
        "items": [
            {
                "position": o.item.position,
                "object_id": o.item.training_class_id or o.item.institution_id,
                "institution_id": o.item.institution_id,
                "inspectors": ",".join(str(u.pk) for u in o.inspectors),
            }
            for o in outcomes
        ],
        "legacy": draw.rule != randomdraw.RULE,
    }


@transaction.atomic
def finding_record(
    *,
    actor: User,
    channel: str,
    item: InspectionItem,
    result: str,
    text: str,
    inspected_on: dt.date,
) -> Finding:
    """The finding of an inspector drawn for `item`: recorded once, correctable until the
    draw is published. An item not drawn for the inspector is a 404, as a missing one."""
    require(actor, "inspection.record")
    if not item.inspectors.filter(pk=actor.pk).exists():
        raise Http404("检查对象不存在")
    draw = InspectionDraw.objects.select_for_update().get(pk=item.draw_id)
    if draw.published_at is not None:
        raise ValidationError(
            f"抽查“{draw.title}”的结果已于{timezone.localtime(draw.published_at):%Y-%m-%d}公开，"
            "检查结果不能再登记或修改"
        )
    errors: dict[str, str] = {}
    if result not in FindingResult.values:
        errors["result"] = "请选择检查结果：未发现问题、责令整改或发现违规"
    # The text is published: an ID number typed into it is kept masked only.
    text = idnumber.redact(str(text or "").strip())
    if not text:
        errors["text"] = "请填写检查情况：查看了什么，发现了什么"
    elif len(text) > TEXT_MAX:
        errors["text"] = f"检查情况最长{TEXT_MAX}字，现为{len(text)}字"
    drawn_on = timezone.localtime(draw.drawn_at).date()
    if inspected_on is None:
        errors["inspected_on"] = "请填写检查日期"
    elif inspected_on < drawn_on:
        errors["inspected_on"] = f"检查日期{inspected_on:%Y-%m-%d}早于抽取日期{drawn_on:%Y-%m-%d}"
    elif inspected_on > timezone.localdate():
        errors["inspected_on"] = f"检查日期{inspected_on:%Y-%m-%d}晚于今天"
    if errors:
        raise ValidationError(errors)
    finding = Finding.objects.filter(item=item, inspector=actor).first()
    before = {} if finding is None else {"result": finding.result, "text": finding.text}
    if finding is None:
        finding = Finding.objects.create(
            item=item, inspector=actor, result=result, text=text, inspected_on=inspected_on
        )
        action = Action.CREATE
    else:
        finding.result, finding.text, finding.inspected_on = result, text, inspected_on
        finding.recorded_at = timezone.now()
        finding.save()
        action = Action.UPDATE
    audit(
        actor=actor,
        channel=channel,
        action=action,
        object_type=finding,
        changes={
            "item": item.pk,
            "result": result,
            "text": text,
            "inspected_on": str(inspected_on),
            **({"before": before} if before else {}),
        },
        note=f"登记检查结果：{draw.title} 第{item.position}号 {item}",
    )
    return finding


@transaction.atomic
def inspection_publish(*, actor: User, channel: str, draw: InspectionDraw) -> InspectionDraw:
    """Publish the results on the public page; items still without every finding are
    shown as 未完成. Needs at least one finding; locks the findings."""
    require(actor, "inspection.draw", draw)
    draw = InspectionDraw.objects.select_for_update().get(pk=draw.pk)
    if draw.published_at is not None:
        raise ValidationError(
            f"抽查“{draw.title}”已于{timezone.localtime(draw.published_at):%Y-%m-%d}公开"
        )
    outcomes = draw_outcomes(draw)
    if not any(o.findings for o in outcomes):
        raise ValidationError(f"抽查“{draw.title}”还没有任何检查结果，不能公开")
    unfinished = sum(1 for o in outcomes if not o.done)
    draw.published_at = timezone.now()
    draw.save(update_fields=["published_at"])
    audit(
        actor=actor,
        channel=channel,
        action=Action.UPDATE,
        object_type=draw,
        changes={"published_at": draw.published_at.isoformat(), "unfinished": unfinished},
        note=f"公开抽查结果：{draw.title}"
        + (f"（{unfinished}个对象未完成检查）" if unfinished else ""),
    )
    return draw


# --- the inspectors' ties (回避关系) ---------------------------------------------------------


@transaction.atomic
def inspector_link_add(
    *, actor: User, channel: str, inspector: User, institution: Institution, reason: str
) -> InspectorLink:
    """Record that `inspector` is tied to `institution`: never drawn for it from now on."""
    require(actor, "inspector.manage", _Inspector(inspector))
    if inspector.role != Role.INSPECTOR:
        raise ValidationError({"inspector": f"{inspector.display_name}不是检查人员"})
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise ValidationError({"reason": "请填写关联关系，如“曾在该机构任教”“亲属在该机构任职”"})
    if InspectorLink.objects.filter(inspector=inspector, institution=institution).exists():
        raise ValidationError(
            {"institution": f"{inspector.display_name}与{institution.name}的回避关系已登记"}
        )
    link = InspectorLink.objects.create(
        inspector=inspector, institution=institution, reason=reason[:128]
    )
    audit(
        actor=actor,
        channel=channel,
        action=Action.CREATE,
        object_type=link,
        changes={"inspector": inspector.pk, "institution": institution.pk, "reason": link.reason},
        note=f"登记回避关系：{inspector.display_name} — {institution.name}",
    )
    return link


@transaction.atomic
def inspector_link_remove(*, actor: User, channel: str, link: InspectorLink) -> None:
    require(actor, "inspector.manage", _Inspector(link.inspector))
    audit(
        actor=actor,
        channel=channel,
        action=Action.DELETE,
        object_type=link,
        changes={
            "inspector": link.inspector_id,
            "institution": link.institution_id,
            "reason": link.reason,
        },
        note=f"撤销回避关系：{link.inspector.display_name} — {link.institution.name}",
    )
    link.delete()
