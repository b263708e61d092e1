"""`skillaid student_aid_claims --school ID --year 2026 --term autumn`: the school's aid
claims for a term, as the students page's button makes them; running it again changes
nothing."""

from __future__ import annotations

import sys
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.core.management.base import BaseCommand

from skillaid.accounts.models import Channel, User
from skillaid.accounts.system import system_user
from skillaid.institutions.models import Institution
from skillaid.students.enrolments import aid_claims_prepare
from skillaid.subsidies.aid import TERMS, term_label


class Command(BaseCommand):
    help = "Make a school's student aid claims for one term (one claim per student county)."

    def add_arguments(self, parser) -> None:  # noqa: ANN001
        parser.add_argument("--school", type=int, required=True, help="the school's id")
        parser.add_argument("--year", type=int, required=True, help="the year the term starts")
        parser.add_argument("--term", choices=sorted(TERMS), required=True)
        parser.add_argument("--user", help="act as this user; the system user otherwise")

    def handle(self, *args: Any, **opts: Any) -> None:
        school = Institution.objects.filter(pk=opts["school"]).first()
        if school is None:
            self.stderr.write(f"error: --school {opts['school']}: no such institution")
            sys.exit(2)
        actor = system_user()
        if opts["user"]:
            actor = User.objects.filter(username=opts["user"]).first()
            if actor is None:
                self.stderr.write(f"error: --user {opts['user']}: no such user")
                sys.exit(2)
        try:
            result = aid_claims_prepare(
                actor=actor,
                channel=Channel.COMMAND,
                school=school,
                year=opts["year"],
                term=opts["term"],
            )
        except (PermissionDenied, ValidationError) as exc:
            self.stderr.write(f"error: {exc}")
            sys.exit(2)
        self.stdout.write(
            f"{school.name} {term_label(opts['year'], opts['term'])}: "
            f"{len(result.claims)} claims, {result.created} lines added, "
            f"{result.unchanged} unchanged, {len(result.skipped_claims)} submitted claims left as they are"
        )
