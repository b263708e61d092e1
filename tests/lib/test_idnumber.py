import datetime as dt

from hypothesis import given
from hypothesis import strategies as st

from skillaid.lib import idnumber

PROVINCES = {"11", "44", "45"}
TODAY = dt.date(2026, 11, 24)


def check(value, **kw):
    return idnumber.check(value, provinces=PROVINCES, today=TODAY, **kw)


counties = st.sampled_from(["450124", "450123", "440308", "110101"])
births = st.dates(min_value=dt.date(1900, 1, 1), max_value=TODAY)
orders = st.integers(min_value=0, max_value=999)


@given(counties, births, orders)
def test_every_built_number_passes(county, birth, order):
    number = idnumber.make_number(county, birth, order)
    result = check(number)
    assert result.ok, result.error
    assert idnumber.birth_date(number) == birth
    assert idnumber.sex(number) == ("M" if order % 2 else "F")


@given(
    counties,
    births,
    orders,
    st.integers(min_value=0, max_value=17),
    st.integers(min_value=1, max_value=9),
)
def test_a_single_changed_digit_is_refused(county, birth, order, position, delta):
    number = idnumber.make_number(county, birth, order)
    if number[position] == "X":
        return
    changed = number[:position] + str((int(number[position]) + delta) % 10) + number[position + 1 :]
    assert not check(changed).ok


@given(counties, births, orders)
def test_mask_keeps_place_and_last_four(county, birth, order):
    number = idnumber.make_number(county, birth, order)
    masked = idnumber.mask(number)
    assert masked[:6] == number[:6] and masked[-4:] == number[-4:]
    assert masked[6:14] == "********"


def test_it_folds_full_width_spaces_and_lower_x():
    number = idnumber.make_number("450124", dt.date(1990, 1, 1), 3)
    messy = (
        " " + "".join(chr(ord(c) + 0xFEE0) if c.isdigit() else c.lower() for c in number) + "\u3000"
    )
    result = check(messy)
    assert result.ok and result.number == number
    assert "全角字符已转为半角" in result.notes


def test_it_refuses_scientific_notation_as_text_and_as_a_number():
    assert "科学计数法" in check("4.50124E+17").error
    assert "科学计数法" in check(4.50124199e17).error
    assert "科学计数法" in check(450124199001011234).error


def test_it_names_the_expected_check_character():
    number = idnumber.make_number("450124", dt.date(1990, 1, 1), 3)
    wrong = number[:17] + ("0" if number[17] != "0" else "1")
    assert f"末位应为 {number[17]}" in check(wrong).error


def test_it_refuses_impossible_future_and_ancient_dates():
    body = "45012419900230123"
    assert (
        "不存在" in check(body + idnumber.make_number("450124", dt.date(1990, 1, 1), 1)[-1]).error
    )
    future = idnumber.make_number("450124", dt.date(2027, 1, 1), 1)
    assert "晚于今天" in check(future).error
    ancient = "450124" + "18991231" + "001"
    ancient += idnumber.ric.calc_check_digit(ancient + "0")
    assert "早于1900年" in check(ancient).error


def test_it_refuses_an_unknown_province_but_only_warns_on_an_unknown_county():
    unknown_province = idnumber.make_number("990101", dt.date(1990, 1, 1), 1)
    assert "省份代码 99 不存在" in check(unknown_province).error
    old_county = idnumber.make_number("452127", dt.date(1990, 1, 1), 1)
    result = check(old_county, county_known=lambda code: False)
    assert result.ok and "不在现行区划表中" in result.warnings[0]


def test_it_refuses_wrong_lengths_and_letters():
    assert "实为15位" in check("450124900101123").error
    assert "字符" in check("45012419900101A234").error
    assert check("").error == "身份证号为空"
    assert check(None).error == "身份证号为空"
