"""Random inspections (双随机、一公开): the draw is redone from its seed, ties keep an
inspector from their institution, findings only by the inspectors drawn, publication, the
public page, and what an inspector's account may open."""

from __future__ import annotations

import datetime as dt
import hashlib
import html as htmllib
import random
import re
from io import StringIO

import pytest
import time_machine
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management import call_command
from django.http import Http404
from hypothesis import assume, given, settings
from hypothesis import strategies as st

from skillaid.accounts.forms import UserForm
from skillaid.accounts.models import AuditEntry
from skillaid.institutions.models import Institution
from skillaid.lib import randomdraw
from skillaid.regions.models import Region
from skillaid.reports.inspections import (
    finding_record,
    inspection_draw,
    inspection_publish,
    inspection_redo,
    inspector_link_add,
    item_for_inspector,
    recorded_intact,
)
from skillaid.reports.models import InspectionDraw, InspectionItem, InspectorLink
from skillaid.training.models import TrainingClass
from tests.conftest import GUANGXI, LONGAN, MASHAN, NANNING, make_user, new_id

pytestmark = pytest.mark.django_db

NOW = dt.datetime(2026, 7, 10, 2, 0, tzinfo=dt.UTC)
H1 = (dt.date(2026, 1, 1), dt.date(2026, 6, 30))


# --- the draw itself, without a database -----------------------------------------------------


@settings(max_examples=150, deadline=None)
@given(
    seed=st.text(min_size=1, max_size=20),
    size=st.integers(min_value=1, max_value=40),
    institutions=st.integers(min_value=1, max_value=6),
    pool=st.integers(min_value=1, max_value=12),
    per=st.integers(min_value=1, max_value=4),
    sample=st.integers(min_value=1, max_value=40),
    ties=st.sets(st.tuples(st.integers(0, 11), st.integers(0, 5)), max_size=12),
)
def test_the_same_seed_redoes_the_same_draw_and_honours_ties(
    seed, size, institutions, pool, per, sample, ties
):
    assume(sample <= size)
    population = [(100 + i, 1000 + i % institutions) for i in range(size)]
    inspectors = [500 + i for i in range(pool)]
    links = [(500 + a, 1000 + b) for a, b in ties if a < pool]
    try:
        first = randomdraw.plan(seed, population, inspectors, links, sample, per)
    except randomdraw.TooFew:
        with pytest.raises(randomdraw.TooFew):
            randomdraw.plan(seed, population, inspectors, links, sample, per)
        return
    # The population given in another order draws the same: it is sorted by id first.
    again = randomdraw.plan(seed, list(reversed(population)), inspectors[::-1], links, sample, per)
    assert again == first
    assert len(first) == sample
    assert len({d.object_id for d in first}) == sample
    institution_of = dict(population)
    for d in first:
        assert len(d.inspector_ids) == per == len(set(d.inspector_ids))
        assert not {(i, institution_of[d.object_id]) for i in d.inspector_ids} & set(links)


def _by_hand(seed, population, pool, links, sample, per):
    """The rule as the public page writes it, with hashlib alone."""

    def key(purpose, i):
        return hashlib.sha256(f"{seed}:{purpose}:{i}".encode()).hexdigest()  # UTF-8

    institution_of = dict(population)
    objects = sorted(institution_of, key=lambda i: key("object", i))[:sample]
    out = []
    for x in objects:
        tied = {a for a, b in links if b == institution_of[x]}
        eligible = [i for i in pool if i not in tied]
        out.append((x, sorted(eligible, key=lambda i: key(f"inspector-{x}", i))[:per]))
    return out


def test_the_draw_is_the_rule_written_on_the_public_page():
    population = [(i, 1000 + i % 3) for i in range(1, 60)]
    pool = list(range(500, 509))
    links = [(500, 1000), (501, 1000), (502, 1001)]
    drawn = randomdraw.plan("7f3a", population, pool, links, 9, 3)
    assert [(d.object_id, list(d.inspector_ids)) for d in drawn] == _by_hand(
        "7f3a", population, pool, links, 9, 3
    )


def test_a_legacy_draw_is_redone_by_its_own_rule():
    population = [(i, 1) for i in range(1, 30)]
    rng = random.Random(int.from_bytes(hashlib.sha256(b"old").digest(), "big"))
    objects = rng.sample(list(range(1, 30)), 4)
    legacy = randomdraw.plan("old", population, [7, 8, 9], [], 4, 1, rule=randomdraw.LEGACY_RULE)
    assert [d.object_id for d in legacy] == objects
    assert legacy != randomdraw.plan("old", population, [7, 8, 9], [], 4, 1)
    with pytest.raises(ValueError):
        randomdraw.plan("old", population, [7], [], 1, 1, rule="other")


def test_different_seeds_draw_differently():
    population = [(i, 1) for i in range(1, 101)]
    a = randomdraw.plan("seed-a", population, [1, 2, 3], [], 10, 1)
    b = randomdraw.plan("seed-b", population, [1, 2, 3], [], 10, 1)
    assert [d.object_id for d in a] != [d.object_id for d in b]


def test_a_digest_is_of_the_ids_in_ascending_order():
    import hashlib

    assert randomdraw.digest([3, 1, 2]) == hashlib.sha256(b"1,2,3").hexdigest()


# --- the services --------------------------------------------------------------------------


@pytest.fixture
def frozen():
    with time_machine.travel(NOW, tick=False):
        yield


@pytest.fixture
def institutions(regions):
    a = Institution.objects.create(
        name="马山县职业技能培训中心", kind="public_provider", region_id=MASHAN, status="listed"
    )
    b = Institution.objects.create(
        name="隆安县阳光培训学校", kind="private_provider", region_id=LONGAN, status="listed"
    )
    return a, b


@pytest.fixture
def classes(institutions, occupation):
    """Twelve classes in 2026's first half in 马山县 and 隆安县, and three not in the
    population (a draft, one in 2025, one in another city)."""
    a, b = institutions
    made = []
    for n in range(12):
        inst, county = (a, MASHAN) if n % 2 else (b, LONGAN)
        start = dt.date(2026, 1 + n // 2, 5)
        made.append(_class(inst, county, start, occupation, name=f"第{n + 1}期家政服务员培训班"))
    _class(a, MASHAN, dt.date(2026, 3, 1), occupation, status="draft", name="草稿班")
    _class(a, MASHAN, dt.date(2025, 3, 1), occupation, name="去年班")
    _class(a, "450321", dt.date(2026, 3, 1), occupation, name="桂林班")
    return made


def _class(inst, county, start, occupation, *, status="approved", name="培训班"):
    return TrainingClass.objects.create(
        institution=inst,
        name=name,
        occupation=occupation,
        level="5",
        training_kind="employment",
        county_id=county,
        start_on=start,
        end_on=start + dt.timedelta(days=10),
        planned_size=30,
        status=status,
    )


@pytest.fixture
def pool(regions):
    """Two inspectors of 南宁市's pool, one of 马山县's and one of the province's; one of
    桂林市's, who never serves 南宁市."""
    return {
        "mo": make_user("mo", "inspector", NANNING, "莫检"),
        "tan": make_user("tan", "inspector", NANNING, "谭检"),
        "lan": make_user("lan", "inspector", MASHAN, "蓝检"),
        "su": make_user("su", "inspector", GUANGXI, "苏检"),
        "gui": make_user("gui", "inspector", "450300", "桂检"),
    }


def _draw(actor, *, region=NANNING, seed="2026-nanning", sample=4, per=2, population="classes"):
    return inspection_draw(
        actor=actor,
        channel="page",
        region=Region.objects.get(code=region),
        population=population,
        period_start=H1[0],
        period_end=H1[1],
        sample_size=sample,
        inspectors_per_item=per,
        title="2026年上半年南宁市培训班双随机抽查",
        seed=seed,
    )


def _items(draw):
    return [
        (i.training_class_id, sorted(u.pk for u in i.inspectors.all()))
        for i in draw.items.order_by("position")
    ]


def test_a_draw_records_its_population_pool_and_seed_and_redoes(liang, classes, pool, frozen):
    draw = _draw(liang)
    assert draw.population_count == 12
    assert draw.population_digest == randomdraw.digest(c.pk for c in classes)
    # The province's and the city's and 马山县's inspectors; not 桂林市's.
    assert draw.pool_count == 4
    assert pool["gui"].pk not in randomdraw.ids_of(draw.pool_ids)
    assert draw.items.count() == 4
    redo = inspection_redo(draw)
    assert redo.reproduced and not redo.population_changed and not redo.pool_changed
    assert "完全一致" in redo.lines()[0]
    # The same seed on the same population draws the same items.
    assert _items(_draw(liang)) == _items(draw)
    assert _items(_draw(liang, seed="another")) != _items(draw)
    entry = AuditEntry.objects.filter(object_id=str(draw.pk), action="create").last()
    assert entry.changes["seed"] == "2026-nanning"


def test_a_draw_gets_a_seed_made_by_the_server_and_records_when(liang, classes, pool, frozen):
    draw = _draw(liang, seed=None)
    assert re.fullmatch(r"[0-9a-f]{32}", draw.seed)
    assert draw.seed_made_at == NOW and draw.rule == randomdraw.RULE
    assert inspection_redo(draw).reproduced
    entry = AuditEntry.objects.filter(object_id=str(draw.pk), action="create").last()
    assert entry.changes["seed"] == draw.seed and entry.changes["seed_made_at"]
    assert _draw(liang, seed=None).seed != draw.seed
    # A fixed seed (tests, demo data) records no time of making.
    assert _draw(liang).seed_made_at is None


def test_the_ties_and_institutions_recorded_are_part_of_the_integrity_check(
    liang, classes, pool, institutions, frozen
):
    inspector_link_add(
        actor=liang,
        channel="page",
        inspector=pool["mo"],
        institution=institutions[0],
        reason="曾在该机构任教",
    )
    draw = _draw(liang)
    assert draw.exclusions == f"{pool['mo'].pk}:{institutions[0].pk}"
    assert draw.exclusions_digest == hashlib.sha256(draw.exclusions.encode()).hexdigest()
    assert recorded_intact(draw)
    draw.exclusions = ""
    assert not recorded_intact(draw)
    redo = inspection_redo(draw)
    assert not redo.reproduced and any("回避关系与其摘要不符" in line for line in redo.lines())
    draw.refresh_from_db()
    first = draw.population_pairs.split(",")[0].split(":")[0]
    draw.population_pairs = draw.population_pairs.replace(f"{first}:", f"{first}:9", 1)
    assert not recorded_intact(draw)


def test_the_population_digest_tells_a_change_since_the_draw(
    liang, classes, pool, occupation, institutions, frozen
):
    draw = _draw(liang)
    _class(institutions[0], MASHAN, dt.date(2026, 5, 1), occupation, name="新批准的班")
    redo = inspection_redo(draw)
    assert redo.reproduced  # from the recorded list
    assert redo.population_changed and redo.population_now == 13
    assert any("对象名单已有变化" in line for line in redo.lines())


def test_a_tampered_item_does_not_reproduce(liang, classes, pool, frozen):
    draw = _draw(liang)
    item = draw.items.first()
    item.inspectors.set([pool["gui"]])
    assert not inspection_redo(draw).reproduced
    out = StringIO()
    with pytest.raises(SystemExit):
        call_command("inspection_verify", str(draw.pk), stdout=out)
    assert "不一致" in out.getvalue()


def test_the_command_prints_the_redo(liang, classes, pool, frozen):
    draw = _draw(liang)
    out = StringIO()
    call_command("inspection_verify", str(draw.pk), stdout=out)
    assert "完全一致" in out.getvalue() and draw.seed in out.getvalue()


def test_a_linked_inspector_is_never_drawn_for_their_institution(
    liang, classes, pool, institutions, frozen
):
    a, _b = institutions
    inspector_link_add(
        actor=liang, channel="page", inspector=pool["mo"], institution=a, reason="曾在该机构任教"
    )
    for n in range(8):
        draw = _draw(liang, seed=f"s{n}", sample=12, per=3)
        for item in draw.items.all():
            ids = [u.pk for u in item.inspectors.all()]
            assert len(ids) == len(set(ids)) == 3
            if item.institution_id == a.pk:
                assert pool["mo"].pk not in ids
        assert inspection_redo(draw).reproduced


def test_too_small_a_population_or_pool_is_refused_with_the_numbers(liang, classes, pool, frozen):
    with pytest.raises(ValidationError) as exc:
        _draw(liang, sample=13)
    assert "共有12个培训班" in str(exc.value) and "13" in str(exc.value)
    with pytest.raises(ValidationError) as exc:
        _draw(liang, per=5)
    assert "共有4人" in str(exc.value)


def test_ties_leaving_too_few_inspectors_are_refused(liang, classes, pool, institutions, frozen):
    a, b = institutions
    for name in ("mo", "tan", "lan"):
        inspector_link_add(
            actor=liang, channel="page", inspector=pool[name], institution=a, reason="亲属"
        )
    with pytest.raises(ValidationError) as exc:
        _draw(liang, sample=12, per=2)
    assert "回避关系" in str(exc.value) and "只有1人可派" in str(exc.value)


def test_reviewers_draw_only_in_their_own_region(liang, wei, classes, pool, frozen):
    with pytest.raises(PermissionDenied, match="不在您的管辖范围内"):
        _draw(liang, region="450300")
    with pytest.raises(PermissionDenied, match="市级、省级审核人员"):
        _draw(wei, region=MASHAN)
    draw = _draw(liang, region=MASHAN, sample=2)
    assert all(i.institution.region_id == MASHAN for i in draw.items.all())


def test_institutions_of_the_catalogue_are_a_population(qin, institutions, pool, frozen):
    Institution.objects.create(name="未列入目录机构", kind="public_provider", region_id=MASHAN)
    draw = _draw(qin, region=GUANGXI, population="institutions", sample=2, per=1)
    assert draw.population_count == 2
    assert {i.institution_id for i in draw.items.all()} == {x.pk for x in institutions}
    assert inspection_redo(draw).reproduced


# --- findings and publication ----------------------------------------------------------------


@pytest.fixture
def drawn(liang, classes, pool, frozen):
    return _draw(liang, sample=3, per=2)


def _mine(draw, inspector):
    return draw.items.filter(inspectors=inspector).first()


def _someone_drawn(draw, pool):
    for user in pool.values():
        if _mine(draw, user) is not None:
            return user
    raise AssertionError("nobody drawn")


def test_an_inspector_records_a_finding_only_on_their_own_items(drawn, pool):
    inspector = _someone_drawn(drawn, pool)
    item = _mine(drawn, inspector)
    other = drawn.items.exclude(inspectors=inspector).first()
    finding = finding_record(
        actor=inspector,
        channel="page",
        item=item,
        result="rectify",
        text=f"考勤表有代签，学员{new_id()}未到",
        inspected_on=dt.date(2026, 7, 10),
    )
    assert "*" in finding.text  # an ID number typed in is kept masked
    again = finding_record(
        actor=inspector,
        channel="page",
        item=item,
        result="pass",
        text="复查已整改",
        inspected_on=dt.date(2026, 7, 10),
    )
    assert again.pk == finding.pk and again.result == "pass"
    if other is not None:
        with pytest.raises(Http404):
            finding_record(
                actor=inspector,
                channel="page",
                item=other,
                result="pass",
                text="x",
                inspected_on=dt.date(2026, 7, 10),
            )
        with pytest.raises(Http404):
            item_for_inspector(inspector, other.pk)


def test_a_finding_refuses_a_date_before_the_draw_and_non_inspectors(drawn, pool, liang):
    inspector = _someone_drawn(drawn, pool)
    item = _mine(drawn, inspector)
    with pytest.raises(ValidationError, match="早于抽取日期"):
        finding_record(
            actor=inspector,
            channel="page",
            item=item,
            result="pass",
            text="好",
            inspected_on=dt.date(2026, 7, 1),
        )
    with pytest.raises(PermissionDenied):
        finding_record(
            actor=liang, channel="page", item=item, result="pass", text="好", inspected_on=None
        )


def test_publication_needs_a_finding_and_locks_the_findings(drawn, pool, liang, huang):
    with pytest.raises(ValidationError, match="还没有任何检查结果"):
        inspection_publish(actor=liang, channel="page", draw=drawn)
    inspector = _someone_drawn(drawn, pool)
    item = _mine(drawn, inspector)
    finding_record(
        actor=inspector,
        channel="page",
        item=item,
        result="pass",
        text="花名册与现场一致",
        inspected_on=dt.date(2026, 7, 10),
    )
    with pytest.raises(PermissionDenied):
        inspection_publish(actor=huang, channel="page", draw=drawn)
    inspection_publish(actor=liang, channel="page", draw=drawn)
    drawn.refresh_from_db()
    assert drawn.published_at is not None
    with pytest.raises(ValidationError, match="已于"):
        finding_record(
            actor=inspector,
            channel="page",
            item=item,
            result="fail",
            text="改",
            inspected_on=dt.date(2026, 7, 10),
        )
    with pytest.raises(ValidationError, match="已于"):
        inspection_publish(actor=liang, channel="page", draw=drawn)


# --- pages -----------------------------------------------------------------------------------


def _login(client, user):
    client.force_login(user)
    return client


def test_an_inspector_sees_only_their_items(client, drawn, pool):
    inspector = _someone_drawn(drawn, pool)
    mine = _mine(drawn, inspector)
    other = InspectionItem.objects.exclude(inspectors=inspector).first()
    c = _login(client, inspector)
    home = c.get("/")
    assert home.status_code == 302 and home["Location"] == "/reports/inspections/mine/"
    page = c.get("/reports/inspections/mine/")
    assert page.status_code == 200
    for item in drawn.items.all():
        assert (item.training_class.name in page.content.decode()) == (
            item.inspectors.filter(pk=inspector.pk).exists()
        )
    assert c.get(f"/reports/inspections/items/{mine.pk}/").status_code == 200
    if other is not None:
        assert c.get(f"/reports/inspections/items/{other.pk}/").status_code == 404
    assert c.get("/reports/inspections/items/999999/").status_code == 404
    assert c.get("/ledger/").status_code == 403
    assert c.get(f"/reports/inspections/{drawn.pk}/").status_code == 403
    assert c.get("/reports/inspections/").status_code == 403
    assert c.get("/api/people").status_code == 403


def test_an_inspector_records_a_finding_through_the_page(client, drawn, pool):
    inspector = _someone_drawn(drawn, pool)
    mine = _mine(drawn, inspector)
    c = _login(client, inspector)
    bad = c.post(f"/reports/inspections/items/{mine.pk}/", {"result": "pass", "text": ""})
    assert bad.status_code == 422 and "检查日期" in bad.content.decode()
    ok = c.post(
        f"/reports/inspections/items/{mine.pk}/",
        {"result": "pass", "text": "花名册与现场一致", "inspected_on": "2026-07-10"},
    )
    assert ok.status_code == 302
    assert mine.findings.get().inspector == inspector


def test_a_reviewer_of_another_city_gets_a_404(client, drawn, regions):
    other = make_user("gl", "city_reviewer", "450300", "桂审")
    c = _login(client, other)
    assert c.get(f"/reports/inspections/{drawn.pk}/").status_code == 404
    assert c.get("/reports/inspections/").status_code == 200


def test_the_detail_page_verifies_and_publishes(client, drawn, pool, liang):
    c = _login(client, liang)
    page = c.get(f"/reports/inspections/{drawn.pk}/?verify=1")
    assert "完全一致" in page.content.decode() and drawn.seed in page.content.decode()
    refused = c.post(f"/reports/inspections/{drawn.pk}/", {"action": "publish"})
    assert refused.status_code == 422
    inspector = _someone_drawn(drawn, pool)
    finding_record(
        actor=inspector,
        channel="page",
        item=_mine(drawn, inspector),
        result="fail",
        text="虚报学员",
        inspected_on=dt.date(2026, 7, 10),
    )
    assert c.post(f"/reports/inspections/{drawn.pk}/", {"action": "publish"}).status_code == 302


def test_the_public_page_shows_only_published_draws_without_personal_data(
    client, drawn, pool, liang, classes
):
    unpublished = _draw(liang, seed="hidden-seed", sample=2)
    inspector = _someone_drawn(drawn, pool)
    number = new_id()
    finding_record(
        actor=inspector,
        channel="page",
        item=_mine(drawn, inspector),
        result="rectify",
        text=f"考勤代签，涉及学员身份证号{number}",
        inspected_on=dt.date(2026, 7, 10),
    )
    inspection_publish(actor=liang, channel="page", draw=drawn)
    page = client.get("/reports/public/inspections/")
    assert page.status_code == 200
    html = page.content.decode()
    assert drawn.seed in html and drawn.population_digest in html
    assert unpublished.seed not in html
    assert "责令整改" in html and "未完成" in html
    assert number not in html
    assert inspector.display_name not in html


def _code(section, name):
    found = re.search(rf'<code class="{name}">([^<]*)</code>', section)
    assert found, name
    return htmllib.unescape(found.group(1))


def test_anyone_redoes_a_draw_from_the_public_page_alone(
    client, liang, classes, pool, institutions, frozen
):
    inspector_link_add(
        actor=liang,
        channel="page",
        inspector=pool["tan"],
        institution=institutions[1],
        reason="亲属",
    )
    draw = _draw(liang, seed=None, sample=5, per=2)
    inspector = _someone_drawn(draw, pool)
    finding_record(
        actor=inspector,
        channel="page",
        item=_mine(draw, inspector),
        result="pass",
        text="花名册与现场一致",
        inspected_on=dt.date(2026, 7, 10),
    )
    inspection_publish(actor=liang, channel="page", draw=draw)
    page = client.get("/reports/public/inspections/").content.decode()
    assert "SHA-256" in page and "inspector-X" in page
    section = page[page.index(f'id="draw-{draw.pk}"') :]
    seed = _code(section, "seed")
    population = [
        tuple(map(int, p.split(":"))) for p in _code(section, "population-pairs").split(",")
    ]
    pool_ids = [int(i) for i in _code(section, "pool-ids").split(",")]
    ties = [tuple(map(int, p.split(":"))) for p in _code(section, "exclusions").split(",") if p]
    sample = int(re.search(r'<span class="sample-size">(\d+)</span>', section).group(1))
    per = int(re.search(r'<span class="per-item">(\d+)</span>', section).group(1))
    published = [
        (int(o), [int(i) for i in ins.split(",")])
        for o, ins in re.findall(r'data-object="(\d+)" data-inspectors="([\d,]+)"', section)
    ]
    assert ties == [(pool["tan"].pk, institutions[1].pk)]
    # The digests published match the lists published.
    sha = lambda text: hashlib.sha256(text.encode()).hexdigest()  # noqa: E731
    assert sha(",".join(str(i) for i, _ in population)) == draw.population_digest
    assert sha(",".join(map(str, pool_ids))) == draw.pool_digest
    assert sha(_code(section, "exclusions")) == _code(section, "exclusions-digest")
    assert sha(_code(section, "population-pairs")) == _code(section, "population-pairs-digest")
    redone = _by_hand(seed, population, pool_ids, ties, sample, per)
    assert [(o, sorted(i)) for o, i in redone] == [(o, sorted(i)) for o, i in published]
    assert [o for o, _ in published] == [
        i.training_class_id for i in draw.items.order_by("position")
    ]
    for name in ("莫检", "谭检", "蓝检", "苏检"):
        assert name not in page


def test_the_finding_form_warns_against_personal_data(client, drawn, pool):
    inspector = _someone_drawn(drawn, pool)
    page = _login(client, inspector).get(
        f"/reports/inspections/items/{_mine(drawn, inspector).pk}/"
    )
    assert "检查情况中请勿填写学员姓名、身份证号等个人信息" in page.content.decode()


def test_the_draw_page_draws(client, liang, classes, pool):
    c = _login(client, liang)
    data = {
        "title": "抽查",
        "region": "450300",
        "population": "classes",
        "period_start": "2026-01-01",
        "period_end": "2026-06-30",
        "sample_size": 2,
        "inspectors_per_item": 1,
    }
    form = c.get("/reports/inspections/draw/")
    assert 'name="seed"' not in form.content.decode()
    refused = c.post("/reports/inspections/draw/", data)
    assert refused.status_code == 422 and "不在您的管辖范围内" in refused.content.decode()
    # A seed posted all the same is ignored: the server makes its own.
    with time_machine.travel(NOW, tick=False):
        ok = c.post("/reports/inspections/draw/", {**data, "region": NANNING, "seed": "abc"})
    assert ok.status_code == 302
    draw = InspectionDraw.objects.get()
    assert draw.seed != "abc" and re.fullmatch(r"[0-9a-f]{32}", draw.seed)
    assert draw.seed_made_at == NOW


def test_the_inspectors_page_keeps_ties(client, liang, pool, institutions):
    c = _login(client, liang)
    page = c.get("/reports/inspectors/")
    assert "莫检" in page.content.decode() and "苏检" in page.content.decode()
    ok = c.post(
        "/reports/inspectors/",
        {"inspector": pool["mo"].pk, "institution": institutions[0].name, "reason": "曾任教"},
    )
    assert ok.status_code == 302
    link = InspectorLink.objects.get()
    unknown = c.post(
        "/reports/inspectors/",
        {"inspector": pool["mo"].pk, "institution": "无此机构", "reason": "x"},
    )
    assert unknown.status_code == 422
    assert c.post(f"/reports/inspectors/links/{link.pk}/delete/").status_code == 302
    assert not InspectorLink.objects.exists()


def test_the_users_form_opens_inspector_accounts_with_a_region(regions):
    data = {
        "username": "newinspector",
        "full_name": "检查员甲",
        "phone": "13800000001",
        "role": "inspector",
        "region": NANNING,
    }
    assert UserForm(data=data).is_valid()
    form = UserForm(data={**data, "region": ""})
    assert not form.is_valid() and "检查人员名录" in form.errors["region"][0]
    form = UserForm(
        data={
            **data,
            "institution": Institution.objects.create(
                name="某校", kind="public_provider", region_id=NANNING
            ).pk,
        }
    )
    assert not form.is_valid() and "institution" in form.errors


def test_the_demo_has_inspectors_a_published_draw_and_an_open_one(regions, person_factory):
    from skillaid.ops.demo_classes import ensure_demo_classes
    from skillaid.ops.demo_inspections import OPEN, PUBLISHED, ensure_demo_inspections
    from skillaid.ops.management.commands.demo_data import (
        ensure_demo_catalogue,
        ensure_demo_users,
    )
    from skillaid.reports.models import InspectionDraw
    from skillaid.subsidies.loading import load_policy_rules

    load_policy_rules()
    ensure_demo_users()
    ensure_demo_catalogue()
    for i in range(32):
        person_factory(name=f"演示{i}", category="脱贫户")
    ensure_demo_classes()
    assert ensure_demo_inspections("pw") is True
    published = InspectionDraw.objects.get(title=PUBLISHED)
    assert published.published_at is not None and published.items.exists()
    assert InspectionDraw.objects.get(title=OPEN).published_at is None
    assert inspection_redo(published).reproduced
    assert ensure_demo_inspections("pw") is False
