from django.core.management import call_command
from django.core.management.base import BaseCommand

from skillaid.accounts.holidays import calendar_seed, missing_years_note
from skillaid.accounts.workdays import known_years
from skillaid.pairings.loading import load_pairings
from skillaid.pairings.models import Pairing
from skillaid.regions.loading import load_divisions, load_key_counties, load_resettlement_sites
from skillaid.regions.models import KeyCounty, Region, ResettlementSite
from skillaid.reports.deadlines import load_deadline_rules
from skillaid.reports.targets import TargetFileError, targets_load
from skillaid.subsidies.loading import load_policy_rules
from skillaid.subsidies.models import PolicyRule


class Command(BaseCommand):
    help = "Migrate the database and load reference data (divisions, key counties, resettlement sites, school pairings, subsidy policy rules, the statutory holiday calendar, the plans' targets). Safe to run on every start."

    def handle(self, *args, **options) -> None:
        call_command("migrate", interactive=False, verbosity=0)
        changed = load_divisions()
        _, county_problems = load_key_counties()
        _, site_problems = load_resettlement_sites()
        pairings = load_pairings()
        rules = load_policy_rules()
        calendar = calendar_seed()
        deadlines = load_deadline_rules()
        try:
            targets = targets_load()
        except TargetFileError as e:  # named line by line; the other data are loaded
            self.stderr.write(str(e))
            targets = {"created": 0, "updated": 0, "unchanged": 0}
        for p in county_problems + site_problems:
            self.stderr.write(f"{p.file} row {p.row}: {p.reason}")
        for problem in rules.problems:
            self.stderr.write(str(problem))
        self.stdout.write(
            f"SkillAid database ready: {Region.objects.count()} divisions ({changed} changed), "
            f"{KeyCounty.objects.count()} key counties, {ResettlementSite.objects.count()} resettlement sites, "
            f"{Pairing.objects.count()} pairings ({len(pairings.problems)} source rows without a school), "
            f"{PolicyRule.objects.count()} policy rules ({rules.created} new), "
            f"{_calendar_years()} in the holiday calendar ({len(calendar.created)} new)."
        )
        self.stdout.write(f"Report deadline rules: {deadlines} new.")
        self.stdout.write(
            f"Plan targets: {targets['created']} new, {targets['updated']} updated, "
            f"{targets['unchanged']} unchanged."
        )
        note = missing_years_note()
        if note:
            self.stdout.write(note)


def _calendar_years() -> str:
    years = known_years()
    return f"{len(years)} years (latest {years[-1]})" if years else "no years"
