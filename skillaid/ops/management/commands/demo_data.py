import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from skillaid.accounts.keys import id_key_at_start
from skillaid.accounts.models import Role, User
from skillaid.accounts.system import system_user
from skillaid.accounts.users import DEMO_DEVICE_NAME
from skillaid.institutions.models import Institution, InstitutionKind
from skillaid.ops.demo_people import generate_rows, write_workbook
from skillaid.people.imports import LedgerImport
from skillaid.regions.models import KeyCounty

DEMO_USERS = [
    # username, full name, role, region code
    ("clerk_mashan", "马山县人社局 韦丽", Role.COUNTY_CLERK, "450124"),
    ("clerk_longan", "隆安县人社局 黄强", Role.COUNTY_CLERK, "450123"),
    ("officer_nnjx", "广西南宁技师学院 陆敏", Role.SCHOOL_OFFICER, "450100"),
    ("reviewer_nanning", "南宁市人社局 梁峰", Role.CITY_REVIEWER, "450100"),
    ("reviewer_gx", "自治区人社厅 覃芳", Role.PROVINCE_REVIEWER, "450000"),
    ("admin", "系统管理员", Role.ADMIN, None),
]


def demo_password() -> str:
    return os.environ.get("SKILLAID_DEMO_PASSWORD", "skillaid-demo")


def ensure_demo_second_factor(user: User) -> tuple[str, bool]:
    """Demo users whose role needs a second factor are enrolled with a TOTP device named
    DEMO_DEVICE_NAME, whose current code `skillaid otp-code` prints; returns its secret (base32)
    and whether it was made now."""
    import base64

    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    created = device is None
    if created:
        device = TOTPDevice.objects.create(user=user, name=DEMO_DEVICE_NAME, confirmed=True)
    return base64.b32encode(device.bin_key).decode(), created


@transaction.atomic
def ensure_demo_users() -> list[User]:
    school, _ = Institution.objects.get_or_create(
        name="广西南宁技师学院",
        defaults={"kind": InstitutionKind.TECHNICIAN_COLLEGE, "region_id": "450100"},
    )
    users = []
    for username, full_name, role, region in DEMO_USERS:
        user, created = User.objects.get_or_create(
            username=username,
            defaults={
                "full_name": full_name,
                "role": role,
                "region_id": region,
                "institution": school if role == Role.SCHOOL_OFFICER else None,
                "is_staff": role == Role.ADMIN,
                "is_superuser": role == Role.ADMIN,
            },
        )
        if created:
            # The shared demo password predates the password rules and is printed by
            # `make run`: demo accounts are not asked to change it at the first login.
            user.set_password(demo_password())
            user.must_change_password = False
            user.save()
        if user.needs_second_factor:
            ensure_demo_second_factor(user)
        users.append(user)
    return users


# A few lines of a demand catalogue and some capacity, marked as demo data.
DEMO_CATALOGUE = [
    ("4-10-01-01", "育婴员", "employment", "5", 120, "1200", False, False, True),
    ("4-10-01-02", "保育师", "employment", "5", 120, "1200", False, False, True),
    ("4-03-02-01", "中式烹调师", "employment", "5", 150, "1300", False, False, False),
    ("6-29-01-03", "焊工", "upgrading", "4", 200, "1600", False, True, True),
    ("4-04-05-05", "电子商务师", "employment", "specialised", 80, "800", True, False, True),
    ("4-07-05-03", "家政服务员", "employment", "5", 100, "1000", False, False, True),
]
DEMO_CAPACITY = [
    ("labour_brand", "八桂家政", "450000", "province", "家政服务员、育婴员、养老护理员"),
    ("labour_brand", "八桂建工", "450000", "province", "砌筑工、钢筋工、焊工"),
    ("labour_brand", "八桂米粉师傅", "450000", "province", "中式面点师、中式烹调师"),
    ("assessment_norm", "马山黑山羊养殖", "450124", "county", "家畜饲养员"),
    ("assessment_norm", "隆安香蕉种植", "450123", "county", "农作物种植工"),
]


@transaction.atomic
def ensure_demo_catalogue() -> None:
    from decimal import Decimal

    from skillaid.catalogue.models import DemandEntry, Occupation
    from skillaid.institutions.models import Capacity

    start = dt.date(dt.date.today().year, 1, 1)
    for code, name, kind, level, hours, amount, digital, green, urgent in DEMO_CATALOGUE:
        occupation, _ = Occupation.objects.get_or_create(
            code=code,
            name=name,
            defaults={"digital": digital, "green": green, "urgent": urgent},
        )
        DemandEntry.objects.get_or_create(
            occupation=occupation,
            training_kind=kind,
            level=level,
            region_id="450000",
            valid_from=start,
            defaults={"standard_hours": hours, "subsidy": Decimal(amount), "source": "演示数据"},
        )
    for kind, name, region, level, occupations in DEMO_CAPACITY:
        Capacity.objects.get_or_create(
            kind=kind,
            name=name,
            region_id=region,
            year=start.year,
            defaults={"level": level, "occupations": occupations, "results": "演示数据"},
        )


class Command(BaseCommand):
    help = "Create demo users and a realistic demo ledger over the Guangxi key counties."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--people", type=int, default=5000)
        parser.add_argument("--seed", type=int, default=2026)
        parser.add_argument("--output", type=Path, help="where to keep the generated workbook")
        parser.add_argument(
            "--if-empty", action="store_true", help="do nothing when people are already registered"
        )

    def handle(self, *args, **opts) -> None:
        from skillaid.people.models import Person

        id_key_at_start(self.stderr)
        for user in ensure_demo_users():
            if user.needs_second_factor:
                secret, _ = ensure_demo_second_factor(user)
                self.stdout.write(
                    f"demo second factor of {user.username}: TOTP secret {secret} "
                    f"(or run `skillaid otp-code {user.username}`)"
                )
        ensure_demo_catalogue()
        if opts["if_empty"] and Person.objects.exists():
            self._classes()
            self.stdout.write("demo data already loaded")
            return
        counties = [
            (k.region.code, k.region.name)
            for k in KeyCounty.objects.select_related("region").order_by("region__code")
        ]
        if not counties:
            raise CommandError("no key counties loaded: run `skillaid setup` first")
        path = opts["output"] or Path(settings.VAR_DIR) / "demo" / "demo-ledger.xlsx"
        rows = generate_rows(
            opts["people"], seed=opts["seed"], counties=counties, today=dt.date.today()
        )
        write_workbook(path, rows, title="广西重点帮扶县帮扶家庭劳动力培训意愿台账（演示数据）")
        result = LedgerImport(actor=system_user(), dry_run=False).run(path)
        summary = result.summary()
        self.stdout.write(
            f"demo ledger {path}: {summary['created']} created, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged, {summary['rejected']} rejected"
        )
        for r in result.rejected[:5]:
            self.stderr.write(f"row {r.row}: {r.reason}")
        self._classes()

    def _classes(self) -> None:
        from skillaid.ops.demo_classes import ensure_demo_classes, ensure_demo_trainee

        if ensure_demo_classes():
            self.stdout.write(
                "demo classes: one finished with certificates, one waiting for completion, one today, one for review"
            )
        from skillaid.ops.demo_students import ensure_demo_registry, ensure_demo_students

        if ensure_demo_students():
            self.stdout.write(
                "demo students: six enrolled at 广西南宁技师学院 with their months of monitoring, "
                "three young people contacted"
            )
        snapshot = ensure_demo_registry()
        if snapshot is not None:
            self.stdout.write(
                f"demo registry compared, its near matches wait for review: {snapshot}"
            )
        from skillaid.ops.demo_employment import ensure_demo_employment

        if ensure_demo_employment(demo_password()):
            self.stdout.write(
                "demo employment services: employers, an agency and a 帮扶车间 (logins "
                "employer_jiangong and agency_guicai), postings of a fair, 马山县's job "
                "seekers with their follow-ups and referrals, a placement to confirm"
            )
        from skillaid.ops.demo_inspections import ensure_demo_inspections

        if ensure_demo_inspections(demo_password()):
            self.stdout.write(
                "demo random inspections: inspectors (login inspector_nanning), one draw "
                "published on /reports/public/inspections/, one open"
            )
        person = ensure_demo_trainee(demo_password())
        if person is not None:
            self.stdout.write(
                f"demo trainee with their own account: {person.name}, ID number {person.id_number}"
            )
        from skillaid.reports.tally import tally_refresh

        counts = tally_refresh()
        self.stdout.write(f"figures rebuilt from the demo records: {sum(counts.values())} rows")
