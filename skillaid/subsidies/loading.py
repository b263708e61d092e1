"""Load the seeded policy rules (data/policy_rules.csv) as `skillaid setup` does on every start.

The file holds one row per rule, each with its source: the amounts of the seed documents
(../shared/data/policy_amounts.csv) and the limits and national defaults
(../shared/data/subsidy_limits.csv), written out as the terms of a rule version (the
`from` column names the row each was taken from). Lists (`household_categories`, `bases`,
`training_kinds`, `levels`) are codes separated by `|`; `level_amounts` is `5=1000;4=1500`;
`region` is a six-digit division code, or empty for a nationwide rule (the division
table has no country row).

A rule whose code is already in the database is left as it is: from its first version
on, its terms are the province's to change on the rules page, and a restart must not undo
them. Running the loader twice therefore changes nothing. A bad row is refused, naming
the file, the row, the column and why; the other rows still load.
"""

from __future__ import annotations

import csv
from dataclasses import dataclass, field
from pathlib import Path

from django.core.exceptions import ValidationError
from django.db import transaction

from skillaid.accounts.models import Channel, User
from skillaid.accounts.system import system_user
from skillaid.regions.models import Region

from .models import TERMS, PolicyRule, PolicyRuleVersion, RuleKind, code_validator
from .services import rule_create

DATA_DIR = Path(__file__).parent / "data"
RULES_FILE = DATA_DIR / "policy_rules.csv"
COLUMNS = ["code", "kind", "region", *TERMS, "from"]
TRUE, FALSE = {"1", "是", "true", "yes"}, {"", "0", "否", "false", "no"}


@dataclass(frozen=True)
class RowProblem:
    file: str
    row: int  # the line of the file, the header being line 1
    column: str
    reason: str

    def __str__(self) -> str:
        where = f"{self.file} 第{self.row}行"
        if self.column:
            where += f" {self.column} 列"
            if self.column in TERMS:
                where += f"（{PolicyRuleVersion._meta.get_field(self.column).verbose_name}）"
        return f"{where}：{self.reason}"


@dataclass
class RuleLoad:
    created: int = 0
    unchanged: int = 0
    problems: list[RowProblem] = field(default_factory=list)


def _row_problems(path: Path, line: int, row: dict[str, str]) -> tuple[dict, list[RowProblem]]:
    """The row's rule (code, kind, region, terms) or what is wrong with it."""
    problems: list[RowProblem] = []

    def bad(column: str, reason: str) -> None:
        problems.append(RowProblem(path.name, line, column, reason))

    code = row["code"].strip()
    try:
        code_validator(code)
    except ValidationError as exc:
        bad("code", "；".join(exc.messages))
    kind = row["kind"].strip()
    if kind not in RuleKind.values:
        bad("kind", f"类别“{kind}”无法识别（可用：{'、'.join(RuleKind.values)}）")
    region = None
    if row["region"].strip():
        region = Region.objects.filter(code=row["region"].strip()).first()
        if region is None:
            bad("region", f"区划代码“{row['region']}”不存在")
    minimum = row["amount_is_minimum"].strip().lower()
    if minimum not in TRUE | FALSE:
        bad("amount_is_minimum", f"“{row['amount_is_minimum']}”应为 1 或留空")
    terms = {name: row[name] for name in TERMS}
    terms["amount_is_minimum"] = minimum in TRUE
    return {"code": code, "kind": kind, "region": region, "terms": terms}, problems


@transaction.atomic
def load_policy_rules(path: Path | None = None, *, actor: User | None = None) -> RuleLoad:
    """The rules of `path` (by default those shipped with SkillAid) not yet in the database."""
    path = path or RULES_FILE
    actor = actor or system_user()
    load = RuleLoad()
    with path.open(encoding="utf-8-sig", newline="") as f:
        reader = csv.DictReader(f)
        missing = [c for c in COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            for column in missing:
                load.problems.append(RowProblem(path.name, 1, column, "表头缺少此列"))
            return load
        existing = set(PolicyRule.objects.values_list("code", flat=True))
        for line, row in enumerate(reader, start=2):
            if None in row or any(v is None for v in row.values()):
                load.problems.append(
                    RowProblem(path.name, line, "", f"列数与表头（{len(COLUMNS)} 列）不符")
                )
                continue
            rule, problems = _row_problems(path, line, row)
            if rule["code"] in existing and not problems:
                load.unchanged += 1
                continue
            if not problems:
                try:
                    with transaction.atomic():
                        rule_create(
                            actor=actor,
                            channel=Channel.IMPORT,
                            reason=f"据 {path.name} 第{line}行载入（{row['from']}）",
                            **rule,
                        )
                except ValidationError as exc:
                    for column, messages in exc.message_dict.items():
                        column = column if column in COLUMNS else ""
                        problems.append(RowProblem(path.name, line, column, "；".join(messages)))
            if problems:
                load.problems += problems
                continue
            existing.add(rule["code"])
            load.created += 1
    return load
