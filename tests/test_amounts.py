"""Yuan text to fen and back: exact, or refused; rounded only when asked."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hospital_bff.amounts import InvalidAmount, fen_from_yuan, yuan


@pytest.mark.parametrize(
    ("fen", "text"),
    [
        (0, "0.00"),
        (1, "0.01"),
        (10, "0.10"),
        (99, "0.99"),
        (100, "1.00"),
        (1250, "12.50"),
        (100000, "1000.00"),
        (-50, "-0.50"),
        (-1250, "-12.50"),
    ],
)
def test_yuan(fen: int, text: str) -> None:
    assert yuan(fen) == text


@pytest.mark.parametrize(
    ("text", "fen"),
    [
        ("12.50", 1250),
        ("12.5", 1250),
        ("12", 1200),
        ("0.01", 1),
        ("0.1", 10),
        ("0", 0),
        (" 3.00 ", 300),
        ("-0.50", -50),
        ("0.29", 29),  # float("0.29") * 100 == 28.999999999999996
        ("1.15", 115),  # float("1.15") * 100 == 114.99999999999999
        ("12345678901234567890123456789.99", 1234567890123456789012345678999),
    ],
)
def test_fen_from_yuan(text: str, fen: int) -> None:
    assert fen_from_yuan(text) == fen


@pytest.mark.parametrize(
    "text",
    ["12.501", "0.001", "12.", ".5", "", " ", "1e3", "1E2", "NaN", "Infinity", "+1", "1,000",
     "１２", "12.5.0", "--1", "¥12"],
)  # fmt: skip
def test_fen_from_yuan_refuses(text: str) -> None:
    with pytest.raises(InvalidAmount):
        fen_from_yuan(text)


@given(st.integers(min_value=-(10**15), max_value=10**15))
def test_yuan_round_trips(fen: int) -> None:
    assert fen_from_yuan(yuan(fen)) == fen


@pytest.mark.parametrize(
    ("text", "fen"),
    [("0.00600", 1), ("0.00500", 1), ("0.00400", 0), ("12.34000", 1234), ("-0.006", -1)],
)
def test_fen_from_yuan_rounds_to_the_fen_only_when_asked(text: str, fen: int) -> None:
    assert fen_from_yuan(text, round_to_fen=True) == fen
    if text.rstrip("0").partition(".")[2][2:]:
        with pytest.raises(InvalidAmount):
            fen_from_yuan(text)
