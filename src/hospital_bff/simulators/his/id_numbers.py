"""Resident ID numbers (GB 11643): the check digit, valid numbers for demo people, and the sex
and birth date a number carries."""

from __future__ import annotations

from datetime import date

_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"


def id_check_digit(first17: str) -> str:
    """The 18th character of a resident ID number (GB 11643, ISO 7064 MOD 11-2)."""
    if len(first17) != 17 or not first17.isdigit():
        raise ValueError("need the first 17 digits")
    total = sum(int(d) * w for d, w in zip(first17, _ID_WEIGHTS, strict=True))
    return _ID_CHECK[total % 11]


def resident_id(area: str, birth: date, sequence: int, sex: str) -> str:
    """A valid 18-digit resident ID number; the sequence's last digit is odd for men."""
    seq = sequence * 10 % 1000 + (1 if sex == "MALE" else 0)
    first17 = f"{area}{birth:%Y%m%d}{seq:03d}"
    return first17 + id_check_digit(first17)


def id_number_facts(id_number: str) -> tuple[str, date] | None:
    """(sex, birth date) read from a well-formed 18-digit ID number, else None."""
    if len(id_number) != 18 or not id_number[:17].isdigit():
        return None
    if id_check_digit(id_number[:17]) != id_number[17].upper():
        return None
    try:
        birth = date(int(id_number[6:10]), int(id_number[10:12]), int(id_number[12:14]))
    except ValueError:
        return None
    return ("MALE" if int(id_number[16]) % 2 else "FEMALE"), birth
