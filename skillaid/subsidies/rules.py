"""Which rule applies: the version in force, for the nearest region, on a day.

A rule applies in its own region and every region below it; a nationwide rule (no
region) everywhere. Of the rules of a code or kind that apply in a region and are in
force on a day, the one of the nearest region wins: the county's beats the city's, the
city's the province's, the province's the nationwide one. Nearness follows the division
table's parent links, so a county-level city directly under its province is one step
below the province. Two rules of the same kind for the same region, both in force, are
told apart by their code (the first wins); a caller that needs every one asks
`rules_in_force`. Looked up by code, a rule is found together with the regions' rules
that replace it (`PolicyRule.replaces`), so a county's own attendance threshold wins
over the nationwide one in that county.
"""

from __future__ import annotations

import datetime as dt

from skillaid.regions.models import Region

from .models import PolicyRule, PolicyRuleVersion


def region_chain(region: Region | str | None) -> list[str]:
    """The codes from `region` up to its province: 450124, 450100, 450000."""
    if region is None:
        return []
    code = region.code if isinstance(region, Region) else str(region)
    chain: list[str] = []
    while code and code not in chain:
        chain.append(code)
        code = Region.objects.filter(code=code).values_list("parent_id", flat=True).first()
    return chain


def rules_in_force(
    code_or_kind: str, region: Region | str | None, on_date: dt.date
) -> list[PolicyRuleVersion]:
    """Every version in force on `on_date` of the rules with this code or kind that apply
    in `region`, nearest region first (then by code); each version's `distance` says how
    many steps up its rule's region is (the nationwide rule: one past the province)."""
    return RuleBook().in_force(code_or_kind, region, on_date)


class RuleBook:
    """`rules_in_force` for a run over many classes: each region's chain and each code's or
    kind's rules read once, the version of each day picked from them.

    `proposed`, an unsaved version of one rule (a trial of a change, 试算), is taken as
    that rule's newest version: where its validity covers the day it is in force in
    place of the saved ones, as it would be once saved."""

    def __init__(self, proposed: PolicyRuleVersion | None = None) -> None:
        self.proposed = proposed
        self._chains: dict[str, list[str]] = {}
        self._rules: dict[tuple[str, str], list[PolicyRule]] = {}
        self._all: list[PolicyRule] | None = None

    def chain(self, region: Region | str | None) -> list[str]:
        if region is None:
            return []
        code = region.code if isinstance(region, Region) else str(region)
        if code not in self._chains:
            self._chains[code] = region_chain(code)
        return self._chains[code]

    def rules(self, code_or_kind: str, chain: list[str]) -> list[PolicyRule]:
        """The rules of a code or kind that apply in the region of `chain`; every rule
        with its versions is read once (they are tens, not thousands)."""
        if self._all is None:
            self._all = list(
                PolicyRule.objects.select_related("region").prefetch_related("versions")
            )
        key = (code_or_kind, chain[0] if chain else "")
        if key not in self._rules:
            self._rules[key] = [
                rule
                for rule in self._all
                if code_or_kind in (rule.code, rule.replaces, rule.kind)
                and (rule.region_id is None or rule.region_id in chain)
            ]
        return self._rules[key]

    def version_on(self, rule: PolicyRule, day: dt.date) -> PolicyRuleVersion | None:
        proposed = self.proposed
        if proposed is not None and proposed.rule_id == rule.pk and proposed.covers(day):
            return proposed
        return rule.version_on(day)

    def in_force(
        self, code_or_kind: str, region: Region | str | None, on_date: dt.date
    ) -> list[PolicyRuleVersion]:
        chain = self.chain(region)
        found = []
        for rule in self.rules(code_or_kind, chain):
            version = self.version_on(rule, on_date)
            if version is None:
                continue
            version.distance = chain.index(rule.region_id) if rule.region_id else len(chain)
            version.rule = rule
            found.append(version)
        return sorted(found, key=lambda v: (v.distance, v.rule.code))


def rule_in_force(
    code_or_kind: str, region: Region | str | None, on_date: dt.date
) -> PolicyRuleVersion | None:
    """The version in force on `on_date` for the nearest region, or None: no rule applies."""
    found = rules_in_force(code_or_kind, region, on_date)
    return found[0] if found else None
