"""Realistic demo ledgers: households and people over the Guangxi key counties."""

from __future__ import annotations

import datetime as dt
import random
from collections.abc import Iterable, Iterator
from pathlib import Path

import xlsxwriter
from faker import Faker

from skillaid.lib import idnumber

HEADERS = [
    "户编号",
    "姓名",
    "身份证号码",
    "与户主关系",
    "民族",
    "文化程度",
    "联系电话",
    "所属县",
    "乡镇",
    "村",
    "家庭类别",
    "监测类型",
    "培训意愿",
    "意向工种",
    "就读技工院校意愿",
    "就业意愿",
    "调查日期",
]
ETHNICITIES = ["壮族"] * 6 + ["汉族"] * 5 + ["瑶族", "苗族", "侗族", "仫佬族", "毛南族", "京族"]
EDUCATION = ["小学", "初中", "初中", "初中", "高中", "中专", "大专"]
OCCUPATIONS = [
    "家政服务员",
    "育婴员",
    "中式烹调师",
    "米粉制作",
    "电工",
    "焊工",
    "砌筑工",
    "汽车维修工",
    "电子商务师",
    "茶艺师",
    "农业经理人",
    "养老护理员",
]
CATEGORIES = (
    [("脱贫户", "")] * 11
    + [("监测户", "脱贫不稳定户"), ("监测户", "边缘易致贫户"), ("监测户", "突发严重困难户")]
    + [("一般户", "")] * 6
)
TOWN_SUFFIX = ["镇", "乡", "镇", "镇"]


def generate_rows(
    n: int, *, seed: int, counties: list[tuple[str, str]], today: dt.date
) -> Iterator[list[object]]:
    """Yield `n` ledger rows in households of one to five; deterministic for a seed."""
    fake = Faker("zh_CN")
    fake.seed_instance(seed)
    rnd = random.Random(seed)
    used: set[str] = set()
    made = 0
    household_no = 0
    while made < n:
        code, county = counties[rnd.randrange(len(counties))]
        household_no += 1
        number = f"{code}{household_no:08d}"
        category, kind = rnd.choice(CATEGORIES)
        surname = fake.last_name()
        town = fake.city_name()[:2] + rnd.choice(TOWN_SUFFIX)
        village = fake.last_name() + rnd.choice(["屯", "村", "寨"]) + "村"
        survey = today - dt.timedelta(days=rnd.randrange(10, 400))
        size = min(rnd.choice([1, 2, 3, 3, 4, 4, 5]), n - made)
        head_birth = dt.date(rnd.randrange(1960, 1992), rnd.randrange(1, 13), rnd.randrange(1, 29))
        head_male = rnd.random() < 0.8
        for member in range(size):
            if member == 0:
                relation, birth, male = "户主", head_birth, head_male
            elif member == 1:
                relation, male = "配偶", not head_male
                birth = head_birth + dt.timedelta(days=rnd.randrange(-1500, 1500))
            else:
                relation = rnd.choice(["子", "女"])
                male = relation == "子"
                birth = dt.date(
                    min(head_birth.year + rnd.randrange(20, 32), today.year - 16),
                    rnd.randrange(1, 13),
                    rnd.randrange(1, 29),
                )
            while True:
                # The order code's last digit is odd for a man, even for a woman.
                order = rnd.randrange(0, 499) * 2 + (1 if male else 2)
                id_number = idnumber.make_number(code, birth, order)
                if id_number not in used:
                    used.add(id_number)
                    break
            given = fake.first_name_male() if male else fake.first_name_female()
            name = (surname if member != 1 else fake.last_name()) + given
            age = today.year - birth.year
            two_after = 16 <= age <= 22
            wants_training = rnd.random() < (0.55 if category != "一般户" else 0.3)
            yield [
                number,
                name,
                id_number,
                relation,
                rnd.choice(ETHNICITIES),
                rnd.choice(EDUCATION),
                fake.phone_number() if rnd.random() < 0.9 else "",
                county,
                town,
                village,
                category,
                kind,
                "是" if wants_training else "否",
                "、".join(rnd.sample(OCCUPATIONS, rnd.randrange(1, 3))) if wants_training else "",
                "是" if two_after and rnd.random() < 0.5 else "否",
                "是" if rnd.random() < 0.6 else "否",
                survey.isoformat(),
            ]
            made += 1


def write_workbook(
    path: Path,
    rows: Iterable[list[object]],
    *,
    headers: list[str] = HEADERS,
    title: str | None = None,
    shared_strings: bool = False,
) -> int:
    """Write a ledger sheet as a county office would: numbers as numbers, text as text.

    By default row by row in little memory, with each text cell written inline.
    With `shared_strings`, text goes into the shared-strings table as Excel and WPS
    save it (是/否, 民族 and dates then take a few bytes a cell); that holds the
    whole sheet in memory while writing.
    """
    path.parent.mkdir(parents=True, exist_ok=True)
    n = 0
    with xlsxwriter.Workbook(str(path), {"constant_memory": not shared_strings}) as book:
        sheet = book.add_worksheet("台账")
        first = 0
        if title:
            sheet.write_string(0, 0, title)
            first = 1
        sheet.write_row(first, 0, headers)
        for n, row in enumerate(rows, start=1):
            for j, value in enumerate(row):
                if isinstance(value, int | float):
                    sheet.write_number(first + n, j, value)
                elif value is not None:
                    sheet.write_string(first + n, j, str(value))
    return n
