import datetime as dt
import os
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from skillaid.accounts.models import Role, User
from skillaid.institutions.models import Institution, InstitutionKind
from skillaid.people.demo import generate_rows, write_workbook
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
            user.set_password(demo_password())
            user.save()
        users.append(user)
    return users


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

        ensure_demo_users()
        if opts["if_empty"] and Person.objects.exists():
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
        result = LedgerImport(actor=None, dry_run=False).run(path)
        summary = result.summary()
        self.stdout.write(
            f"demo ledger {path}: {summary['created']} created, {summary['updated']} updated, "
            f"{summary['unchanged']} unchanged, {summary['rejected']} rejected"
        )
        for r in result.rejected[:5]:
            self.stderr.write(f"row {r.row}: {r.reason}")
