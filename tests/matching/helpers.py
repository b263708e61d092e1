"""Small real registry files and the people they name, for the matching app's tests.

Mashan (wei's county) holds 韦一 (consistent), 韦二 (category differs: the registry says
监测户), 韦三 (near name: the registry spells 韦叁), 覃七 (only ours, an assisted household);
Long'an (huang's county) holds 黄五 (consistent) and 陆四 (near ID: the registry's number
differs in one place). The registry also lists 梁六 of Long'an whom we do not hold.
"""

from __future__ import annotations

import csv
import datetime as dt
from pathlib import Path

from django.core.files.uploadedfile import SimpleUploadedFile
from stdnum.cn import ric

from skillaid.accounts.models import Channel
from skillaid.lib.idnumber import make_number
from skillaid.matching import runs
from skillaid.matching.snapshots import snapshot_load, snapshot_terms_check
from skillaid.people.models import Household
from skillaid.people.services import person_create

AS_OF = dt.date(2026, 11, 1)
SOURCE = "广西防返贫监测信息平台"
HEADER = ["身份证号", "姓名", "户类型", "识别日期", "退出日期", "县区"]
SINCE = dt.date(2020, 1, 1)


def near(number: str, at: int = 14) -> str:
    digit = "5" if number[at] != "5" else "6"
    body = number[:at] + digit + number[at + 1 : 17]
    return body + ric.calc_check_digit(body + "0")


IDS = {
    "韦一": make_number("450124", dt.date(1990, 1, 1), 11),
    "韦二": make_number("450124", dt.date(1991, 2, 3), 12),
    "韦三": make_number("450124", dt.date(1992, 3, 4), 13),
    "覃七": make_number("450124", dt.date(2001, 1, 1), 17),
    "黄五": make_number("450123", dt.date(1985, 5, 5), 15),
    "陆四": make_number("450123", dt.date(2000, 1, 1), 16),
}
THEIR_ONLY = make_number("450123", dt.date(1970, 6, 6), 18)


def registry_rows(*, wei_er: str = "监测户") -> list[list[str]]:
    return [
        [IDS["韦一"], "韦一", "脱贫户", "2020-01-01", "", "450124"],
        [IDS["韦二"], "韦二", wei_er, "2020-01-01", "", "450124"],
        [IDS["韦三"], "韦叁", "脱贫户", "2020-01-01", "", "450124"],
        [IDS["黄五"], "黄五", "脱贫户", "2020-01-01", "", "450123"],
        [near(IDS["陆四"]), "陆四", "脱贫户", "2020-01-01", "", "450123"],
        [THEIR_ONLY, "梁六", "脱贫户", "2022-01-01", "", "450123"],
    ]


def write_csv(path: Path, rows: list[list[str]], header: list[str] = HEADER) -> Path:
    with path.open("w", encoding="utf-8-sig", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def make_people(system) -> dict[str, object]:  # noqa: ANN001
    """Our people of the registry, each an assisted household (脱贫户 since 2020-01-01)."""
    people = {}
    for name, number in IDS.items():
        county = number[:6]
        person = person_create(
            actor=system,
            channel=Channel.COMMAND,
            data={"id_number": number, "name": name, "county": county, "category": "lifted"},
        )
        Household.objects.filter(pk=person.household_id).update(category_since=SINCE)
        people[name] = person
    return people


def load(actor, path: Path, *, region: str = "450000", **extra):  # noqa: ANN001, ANN003
    terms = snapshot_terms_check(
        actor=actor,
        data={"kind": "assisted", "source": SOURCE, "as_of": AS_OF, "region": region, **extra},
    )
    snapshot, result, record = snapshot_load(
        actor=actor, path=path, terms=terms, channel=Channel.COMMAND
    )
    return snapshot


def compare(actor, snapshot):  # noqa: ANN001
    """A run as the page starts it: a job (done at once by the tests' task backend)."""
    run = runs.comparison_start(actor=actor, snapshot=snapshot)
    run.refresh_from_db()
    return run


def upload(path: Path) -> SimpleUploadedFile:
    return SimpleUploadedFile(path.name, path.read_bytes(), content_type="text/csv")
