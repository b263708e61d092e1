"""Demo random inspections for `skillaid demo-data`: three inspectors (two of 南宁市's pool,
one of the province's, one of them tied to 广西南宁技师学院), one draw of 南宁市's classes
whose findings are recorded and published on the public page, and one still open, so that
an inspector's login has something to do."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.utils import timezone

from skillaid.accounts.models import Channel, Role, User
from skillaid.institutions.models import Institution
from skillaid.regions.models import Region
from skillaid.reports.inspections import (
    finding_record,
    inspection_draw,
    inspection_publish,
    population_rows,
)
from skillaid.reports.models import FindingResult, InspectionDraw, InspectorLink, Population

INSPECTOR_LOGINS = [
    ("inspector_nanning", "南宁市检查人员 莫凡", "450100"),
    ("inspector_nanning2", "南宁市检查人员 谭静", "450100"),
    ("inspector_gx", "自治区检查人员 苏明", "450000"),
]
PUBLISHED = "南宁市职业技能培训班双随机抽查（演示·已公开）"
OPEN = "南宁市职业技能培训班双随机抽查（演示·检查中）"
TEXTS = {
    FindingResult.PASS: "现场查看花名册、考勤记录和教学场地，与申报一致（演示数据）",
    FindingResult.RECTIFY: "考勤照片有两个课次缺失，已责令补正（演示数据）",
}


def ensure_demo_inspectors(password: str) -> list[User]:
    users = []
    for username, full_name, region in INSPECTOR_LOGINS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={"full_name": full_name, "role": Role.INSPECTOR, "region_id": region},
        )
        if created:
            user.set_password(password)
            user.must_change_password = False
            user.save()
        users.append(user)
    school = Institution.objects.filter(name="广西南宁技师学院").first()
    if school is not None:
        InspectorLink.objects.get_or_create(
            inspector=users[1], institution=school, defaults={"reason": "曾在该院任教（演示）"}
        )
    return users


@transaction.atomic
def ensure_demo_inspections(password: str) -> bool:
    """Makes the demo inspections once; False when they exist or there is nothing to draw."""
    ensure_demo_inspectors(password)
    if InspectionDraw.objects.filter(title__in=[PUBLISHED, OPEN]).exists():
        return False
    reviewer = User.objects.filter(username="reviewer_nanning").first()
    if reviewer is None:
        return False
    region = Region.objects.get(code="450100")
    today = timezone.localdate()
    start, end = today - dt.timedelta(days=365), today + dt.timedelta(days=60)
    population = Population.CLASSES
    found = len(population_rows(population, region, start, end))
    if found == 0:
        population = Population.INSTITUTIONS
        found = len(population_rows(population, region, start, end))
    if found == 0:
        return False

    def draw(title: str, seed: str):  # noqa: ANN202
        return inspection_draw(
            actor=reviewer,
            channel=Channel.COMMAND,
            region=region,
            population=population,
            period_start=start,
            period_end=end,
            sample_size=min(2, found),
            inspectors_per_item=1,
            title=title,
            seed=seed,
        )

    published = draw(PUBLISHED, "demo-2026-nanning-1")
    for n, item in enumerate(published.items.prefetch_related("inspectors")):
        result = FindingResult.RECTIFY if n else FindingResult.PASS
        for inspector in item.inspectors.all():
            finding_record(
                actor=inspector,
                channel=Channel.COMMAND,
                item=item,
                result=result,
                text=TEXTS[result],
                inspected_on=today,
            )
    inspection_publish(actor=reviewer, channel=Channel.COMMAND, draw=published)
    draw(OPEN, "demo-2026-nanning-2")
    return True
