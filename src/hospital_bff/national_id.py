"""The PRC resident ID number (GB 11643-1999) and the masks we show in its place.

Pure functions: binding a patient needs the number checked before anything is sent to the HIS,
and every response shows only the masked forms (invariant 5).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from typing import Literal

Sex = Literal["MALE", "FEMALE"]
InvalidReason = Literal["FORMAT", "REGION", "BIRTH_DATE", "CHECK_DIGIT"]

# Province-level codes of GB/T 2260, plus 71 (Taiwan) and 81/82/83, which the residence
# permits of Hong Kong, Macao and Taiwan residents carry in the same 18-character format.
PROVINCE_CODES: frozenset[str] = frozenset(
    {
        "11", "12", "13", "14", "15",
        "21", "22", "23",
        "31", "32", "33", "34", "35", "36", "37",
        "41", "42", "43", "44", "45", "46",
        "50", "51", "52", "53", "54",
        "61", "62", "63", "64", "65",
        "71", "81", "82", "83",
    }
)  # fmt: skip

# ISO 7064 MOD 11-2: weight of position i (from the left) is 2**(17 - i) mod 11.
_WEIGHTS = tuple(pow(2, 17 - i, 11) for i in range(17))
_CHECK_CHARS = "10X98765432"

# [0-9] rather than \d: \d also matches other scripts' digits, which int() would accept.
_SHAPE = re.compile(r"[0-9]{17}[0-9X]")
_EARLIEST_BIRTH = date(1900, 1, 1)

_REASON_MESSAGES: dict[InvalidReason, str] = {
    "FORMAT": "身份证号应为18位，最后一位可以是数字或X",
    "REGION": "身份证号的地区码不正确",
    "BIRTH_DATE": "身份证号中的出生日期不正确",
    "CHECK_DIGIT": "身份证号校验位不正确，请核对后重新输入",
}


class InvalidNationalId(ValueError):
    """The text is not a valid 18-character resident ID number; `reason` says which part."""

    def __init__(self, reason: InvalidReason) -> None:
        super().__init__(reason)
        self.reason: InvalidReason = reason

    @property
    def message(self) -> str:
        """What to tell the patient (Chinese), without echoing the number back."""
        return _REASON_MESSAGES[self.reason]


@dataclass(frozen=True, slots=True)
class NationalId:
    """A checked resident ID number and what it says about its holder."""

    number: str
    birth_date: date
    sex: Sex
    region_code: str

    @property
    def masked(self) -> str:
        return mask_id_number(self.number)


def normalise_id_number(raw: str) -> str:
    """The form we store, hash and compare: no surrounding whitespace, upper-case X."""
    return raw.strip().upper()


def check_digit(first17: str) -> str:
    """The ISO 7064 MOD 11-2 check character for the first 17 digits."""
    if len(first17) != 17 or not first17.isascii() or not first17.isdigit():
        raise ValueError("check_digit needs exactly 17 ASCII digits")
    total = sum(int(d) * w for d, w in zip(first17, _WEIGHTS, strict=True))
    return _CHECK_CHARS[total % 11]


def parse_national_id(raw: str, today: date) -> NationalId:
    """Check `raw` fully and return what it encodes; raise InvalidNationalId otherwise."""
    number = normalise_id_number(raw)
    if not _SHAPE.fullmatch(number):
        raise InvalidNationalId("FORMAT")
    region_code = number[:6]
    if region_code[:2] not in PROVINCE_CODES:
        raise InvalidNationalId("REGION")
    birth_date = _birth_date(number[6:14])
    if birth_date is None or not _EARLIEST_BIRTH <= birth_date <= today:
        raise InvalidNationalId("BIRTH_DATE")
    if check_digit(number[:17]) != number[17]:
        raise InvalidNationalId("CHECK_DIGIT")
    sex: Sex = "MALE" if int(number[16]) % 2 == 1 else "FEMALE"
    return NationalId(number=number, birth_date=birth_date, sex=sex, region_code=region_code)


def _birth_date(yyyymmdd: str) -> date | None:
    try:
        return date(int(yyyymmdd[:4]), int(yyyymmdd[4:6]), int(yyyymmdd[6:8]))
    except ValueError:
        return None


def age_on(birth_date: date, day: date) -> int:
    """Full years lived on `day`; someone born on 29 February turns a year older on 1 March."""
    before_birthday = (day.month, day.day) < (birth_date.month, birth_date.day)
    return day.year - birth_date.year - int(before_birthday)


def _keep_ends(text: str, head: int, tail: int) -> str:
    # Too short to show both ends without showing nearly everything: hide it all.
    if len(text) <= head + tail:
        return "*" * len(text)
    return text[:head] + "*" * (len(text) - head - tail) + text[len(text) - tail :]


def mask_id_number(number: str) -> str:
    """`110101199003071234` -> `1101**********1234`."""
    return _keep_ends(number.strip(), 4, 4)


def mask_name(name: str) -> str:
    """`张三` -> `张*`, `欧阳娜娜` -> `欧***`, `Alice` -> `A****`: only the first letter shows."""
    name = name.strip()
    if len(name) <= 1:
        # A one-character name shown "masked" would be the whole name.
        return "*" * len(name)
    return name[0] + "*" * (len(name) - 1)


def mask_phone(phone: str) -> str:
    """`13812345678` -> `138****5678`."""
    return _keep_ends(phone.strip(), 3, 4)
