"""Money as the outside world writes it (yuan, "12.50") and as we keep it (integer fen).

The one parser and the one formatter: the bank's bills, the batch refund file and the
patients' notices all go through these. Integer arithmetic on the digits, never a float.
"""

from __future__ import annotations

import re

_YUAN = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")


class InvalidAmount(ValueError):
    """A money amount that is not a plain yuan figure (with at most two decimals, unless
    rounding was asked for)."""


def yuan(fen: int) -> str:
    """1250 -> "12.50"."""
    sign = "-" if fen < 0 else ""
    whole, cents = divmod(abs(fen), 100)
    return f"{sign}{whole}.{cents:02d}"


def fen_from_yuan(text: str, *, round_to_fen: bool = False) -> int:
    """ "12.5" -> 1250, exactly; exponents, signs other than "-", or NaN are refused, and so
    are fractions of a fen unless `round_to_fen` (the bank's fees carry five decimals), which
    rounds half away from zero."""
    text = text.strip()
    if not _YUAN.fullmatch(text):
        raise InvalidAmount(f"not a yuan amount: {text!r}")
    negative = text.startswith("-")
    whole, _, decimals = text.lstrip("-").partition(".")
    cents, rest = decimals[:2].ljust(2, "0"), decimals[2:]
    if rest.strip("0") and not round_to_fen:
        raise InvalidAmount(f"{text!r} is not a whole number of fen")
    # Integer arithmetic on the digits: exact at any size, unlike Decimal's 28-digit context.
    fen = int(whole) * 100 + int(cents) + (1 if rest and rest[0] >= "5" else 0)
    return -fen if negative else fen
