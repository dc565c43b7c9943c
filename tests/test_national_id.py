from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hospital_bff.national_id import (
    InvalidNationalId,
    NationalId,
    age_on,
    check_digit,
    mask_id_number,
    mask_name,
    mask_phone,
    parse_national_id,
)

TODAY = date(2024, 6, 1)

# 11010519491231002X is the worked example printed in GB 11643-1999 itself.
STANDARD_EXAMPLE = "11010519491231002X"


@pytest.mark.parametrize(
    ("first17", "expected"),
    [
        ("11010519491231002", "X"),  # the standard's example: remainder 2 -> X
        ("44030420100101001", "1"),
        ("31011520100228002", "0"),
        ("11010120000229001", "8"),
        ("51010419850615123", "4"),
    ],
)
def test_check_digit(first17: str, expected: str) -> None:
    assert check_digit(first17) == expected


@pytest.mark.parametrize("bad", ["1101051949123100", "110105194912310020", "1101051949123100a", ""])
def test_check_digit_needs_17_digits(bad: str) -> None:
    with pytest.raises(ValueError):
        check_digit(bad)


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        (
            STANDARD_EXAMPLE,
            NationalId(STANDARD_EXAMPLE, date(1949, 12, 31), "FEMALE", "110105"),
        ),
        # lower-case x and surrounding whitespace are what people type; both are normalised
        (
            "  11010519491231002x\n",
            NationalId(STANDARD_EXAMPLE, date(1949, 12, 31), "FEMALE", "110105"),
        ),
        # odd 17th digit -> male
        (
            "440304201001010011",
            NationalId("440304201001010011", date(2010, 1, 1), "MALE", "440304"),
        ),
        (
            "11010519900307451X",
            NationalId("11010519900307451X", date(1990, 3, 7), "MALE", "110105"),
        ),
        # even 17th digit -> female
        (
            "110105199003074528",
            NationalId("110105199003074528", date(1990, 3, 7), "FEMALE", "110105"),
        ),
        # 29 February of a leap year exists
        (
            "110101200002290018",
            NationalId("110101200002290018", date(2000, 2, 29), "MALE", "110101"),
        ),
    ],
)
def test_parse_valid(raw: str, expected: NationalId) -> None:
    assert parse_national_id(raw, TODAY) == expected


def _with_check(first17: str) -> str:
    return first17 + check_digit(first17)


@pytest.mark.parametrize(
    ("raw", "reason"),
    [
        ("", "FORMAT"),
        ("11010519491231002", "FORMAT"),  # 17 characters
        ("11010519491231002X0", "FORMAT"),  # 19 characters
        ("110105194912310O2X", "FORMAT"),  # letter O for zero
        ("1101051949 1231002X", "FORMAT"),  # inner whitespace is not stripped
        ("X10105194912310021", "FORMAT"),  # X only allowed last
        ("１１０１０５１９４９１２３１００２X", "FORMAT"),  # full-width digits
        ("١١٠١٠٥١٩٤٩١٢٣١٠٠٢X", "FORMAT"),  # Arabic-Indic digits pass str.isdigit()
        (_with_check("00010519491231002"), "REGION"),
        (_with_check("99010519491231002"), "REGION"),
        (_with_check("10010519491231002"), "REGION"),
        (_with_check("11010519490229002"), "BIRTH_DATE"),  # 1949 is not a leap year
        (_with_check("11010519001301002"), "BIRTH_DATE"),  # month 13
        (_with_check("11010519490431002"), "BIRTH_DATE"),  # 31 April
        (_with_check("11010519491200002"), "BIRTH_DATE"),  # day 0
        (_with_check("11010518991231002"), "BIRTH_DATE"),  # before 1900
        (_with_check("11010520240602002"), "BIRTH_DATE"),  # tomorrow
        ("11010519491231002" + "9", "CHECK_DIGIT"),
        ("11010519491231002" + "0", "CHECK_DIGIT"),
        ("11010519491231002" + "1", "CHECK_DIGIT"),  # off by one from the right X (=10)
        ("440304201001010012", "CHECK_DIGIT"),  # off by one from the right 1
        ("440304201001010010", "CHECK_DIGIT"),
        ("440304201001010011"[:-2] + "21", "CHECK_DIGIT"),  # a sequence digit mistyped
    ],
)
def test_parse_invalid(raw: str, reason: str) -> None:
    with pytest.raises(InvalidNationalId) as caught:
        parse_national_id(raw, TODAY)
    assert caught.value.reason == reason
    assert caught.value.message  # something to tell the patient
    # the message must not echo the number into logs or responses
    assert raw.strip() == "" or raw.strip() not in caught.value.message


@pytest.mark.parametrize(
    ("first17", "born"),
    [
        ("11010519000101002", date(1900, 1, 1)),  # the earliest accepted
        ("11010520240601002", TODAY),  # born today
    ],
)
def test_birth_date_bounds_are_inclusive(first17: str, born: date) -> None:
    assert parse_national_id(_with_check(first17), TODAY).birth_date == born


@given(
    region=st.sampled_from(["110105", "440304", "310115", "650102", "810000"]),
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(min_value=0, max_value=999),
)
def test_every_well_formed_number_round_trips(region: str, born: date, seq: int) -> None:
    first17 = f"{region}{born:%Y%m%d}{seq:03d}"
    parsed = parse_national_id(first17 + check_digit(first17), TODAY)
    assert parsed.birth_date == born
    assert parsed.region_code == region
    assert parsed.sex == ("MALE" if seq % 2 else "FEMALE")


@given(
    born=st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    seq=st.integers(min_value=0, max_value=999),
    position=st.integers(min_value=0, max_value=16),
    delta=st.integers(min_value=1, max_value=9),
)
def test_any_single_digit_error_is_caught(born: date, seq: int, position: int, delta: int) -> None:
    # MOD 11-2 detects every single-digit substitution; whatever check fires, it must refuse.
    first17 = f"110105{born:%Y%m%d}{seq:03d}"
    number = first17 + check_digit(first17)
    wrong_digit = str((int(number[position]) + delta) % 10)
    typo = number[:position] + wrong_digit + number[position + 1 :]
    with pytest.raises(InvalidNationalId):
        parse_national_id(typo, TODAY)


@pytest.mark.parametrize(
    ("born", "on", "age"),
    [
        (date(2010, 6, 1), date(2024, 6, 1), 14),  # birthday: the year counts that day
        (date(2010, 6, 2), date(2024, 6, 1), 13),  # the day before the birthday
        (date(2009, 6, 1), date(2024, 6, 1), 15),
        (date(2009, 6, 2), date(2024, 6, 1), 14),
        (date(2024, 6, 1), date(2024, 6, 1), 0),
        (date(2000, 2, 29), date(2023, 2, 28), 22),  # leap-day birthday: not yet in Feb
        (date(2000, 2, 29), date(2023, 3, 1), 23),
        (date(2000, 2, 29), date(2024, 2, 29), 24),
        (date(1990, 12, 31), date(2024, 1, 1), 33),
    ],
)
def test_age_on(born: date, on: date, age: int) -> None:
    assert age_on(born, on) == age


@pytest.mark.parametrize(
    ("number", "masked"),
    [
        ("110101199003071234", "1101**********1234"),
        ("11010519491231002X", "1101**********002X"),
        (" 110101199003071234 ", "1101**********1234"),
        ("12345678", "********"),  # too short to show both ends
    ],
)
def test_mask_id_number(number: str, masked: str) -> None:
    assert mask_id_number(number) == masked


@pytest.mark.parametrize(
    ("name", "masked"),
    [
        ("张三", "张*"),
        ("欧阳娜娜", "欧***"),
        ("李小明", "李**"),
        ("买买提·艾力", "买*****"),
        ("Alice", "A****"),
        ("张", "*"),  # a one-character name would otherwise be shown whole
        ("", ""),
    ],
)
def test_mask_name(name: str, masked: str) -> None:
    assert mask_name(name) == masked


@pytest.mark.parametrize(
    ("phone", "masked"),
    [
        ("13812345678", "138****5678"),
        (" 13812345678 ", "138****5678"),
        ("1234567", "*******"),
    ],
)
def test_mask_phone(phone: str, masked: str) -> None:
    assert mask_phone(phone) == masked
