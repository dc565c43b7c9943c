import base64
import hashlib
import hmac
from typing import Any

import pytest
import structlog
from hypothesis import given
from hypothesis import strategies as st

from hospital_bff.config import Settings
from hospital_bff.pii import (
    ID_NUMBER_PATTERN,
    PiiCipher,
    PiiDecryptionError,
    mask_national_ids,
    scrub_national_ids,
)

KEY = bytes(range(32))
HMAC_KEY = b"lookup-key-for-tests"
NUMBER = "11010519491231002X"
MASKED = "1101**********002X"


def make_cipher(key: bytes = KEY, hmac_key: bytes = HMAC_KEY) -> PiiCipher:
    return PiiCipher(key, hmac_key)


@given(st.text())
def test_encrypt_round_trips(plaintext: str) -> None:
    cipher = make_cipher()
    assert cipher.decrypt(cipher.encrypt(plaintext)) == plaintext


def test_token_is_versioned_urlsafe_and_hides_the_number() -> None:
    token = make_cipher().encrypt(NUMBER)
    assert token.startswith("v1:")
    body = token.removeprefix("v1:")
    assert set(body) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_=")
    raw = base64.urlsafe_b64decode(body)
    # 12-byte nonce + ciphertext of the same length as the plaintext + 16-byte GCM tag
    assert len(raw) == 12 + len(NUMBER) + 16
    assert NUMBER not in token
    assert not ID_NUMBER_PATTERN.search(token)


def test_same_plaintext_encrypts_differently_each_time() -> None:
    cipher = make_cipher()
    tokens = {cipher.encrypt(NUMBER) for _ in range(20)}
    assert len(tokens) == 20  # a fixed nonce would repeat, and leak equality


def _flip(token: str, index: int) -> str:
    raw = bytearray(base64.urlsafe_b64decode(token.removeprefix("v1:")))
    raw[index] ^= 0x01
    return "v1:" + base64.urlsafe_b64encode(bytes(raw)).decode()


@pytest.mark.parametrize(
    "tamper",
    [
        pytest.param(lambda t: _flip(t, 0), id="nonce-bit"),
        pytest.param(lambda t: _flip(t, 14), id="ciphertext-bit"),
        pytest.param(lambda t: _flip(t, -1), id="tag-bit"),
        pytest.param(lambda t: "v2:" + t.removeprefix("v1:"), id="relabelled-version"),
        pytest.param(lambda t: t.removeprefix("v1:"), id="no-version"),
        pytest.param(lambda t: "v1:" + "AAAA", id="too-short"),
        pytest.param(lambda t: "v1:%%%", id="not-base64"),
        pytest.param(lambda t: "v1:" + t.removeprefix("v1:")[:-8], id="truncated"),
    ],
)
def test_decrypt_refuses_altered_tokens(tamper: Any) -> None:
    cipher = make_cipher()
    with pytest.raises(PiiDecryptionError):
        cipher.decrypt(tamper(cipher.encrypt(NUMBER)))


def test_decrypt_refuses_another_key() -> None:
    token = make_cipher().encrypt(NUMBER)
    with pytest.raises(PiiDecryptionError):
        make_cipher(key=bytes(32)).decrypt(token)


@pytest.mark.parametrize("key", [b"", bytes(16), bytes(31), bytes(33)])
def test_key_must_be_aes_256(key: bytes) -> None:
    with pytest.raises(ValueError):
        PiiCipher(key, HMAC_KEY)


def test_from_settings_uses_the_demo_key() -> None:
    cipher = PiiCipher.from_settings(Settings())
    assert cipher.decrypt(cipher.encrypt(NUMBER)) == NUMBER


@pytest.mark.parametrize(
    "spelling", [NUMBER, NUMBER.lower(), f"  {NUMBER}\t", f"\n{NUMBER.lower()} "]
)
def test_lookup_hash_is_keyed_hmac_of_the_normalised_number(spelling: str) -> None:
    expected = hmac.new(HMAC_KEY, NUMBER.encode(), hashlib.sha256).hexdigest()
    assert make_cipher().lookup_hash(spelling) == expected


def test_lookup_hash_depends_on_the_key_and_the_number() -> None:
    a = make_cipher().lookup_hash(NUMBER)
    assert a != make_cipher(hmac_key=b"other").lookup_hash(NUMBER)
    assert a != make_cipher().lookup_hash("110105194912310029")
    assert a != hashlib.sha256(NUMBER.encode()).hexdigest()  # unkeyed would be brute-forceable


@pytest.mark.parametrize(
    ("text", "found"),
    [
        (NUMBER, NUMBER),
        (NUMBER.lower(), NUMBER.lower()),
        ("id=110101199003071234;", "110101199003071234"),
        ("身份证110101199003071234已绑定", "110101199003071234"),
        ("1101011990030712345", None),  # 19 digits: a trade number, not an ID
        ("4200001234567890123456", None),  # bank transaction id
        ("11010119900307123", None),  # 17 digits
        ("1101**********1234", None),  # already masked
    ],
)
def test_id_number_pattern(text: str, found: str | None) -> None:
    match = ID_NUMBER_PATTERN.search(text)
    assert (match.group(0) if match else None) == found


def test_mask_national_ids_masks_every_occurrence() -> None:
    text = f"{NUMBER} and 110101199003071234, order 4200001234567890123456"
    assert mask_national_ids(text) == (
        f"{MASKED} and 1101**********1234, order 4200001234567890123456"
    )


def test_scrub_processor_masks_nested_values_and_keeps_the_rest() -> None:
    event = {
        "event": f"bound patient {NUMBER}",
        "patient": {"id_number": NUMBER.lower(), "names": ["张三", f"x{NUMBER}"]},
        "pair": ("a", NUMBER),
        "count": 3,
        "none": None,
    }
    scrubbed = scrub_national_ids(None, "info", event)
    assert scrubbed == {
        "event": f"bound patient {MASKED}",
        "patient": {"id_number": "1101**********002x", "names": ["张三", f"x{MASKED}"]},
        "pair": ("a", MASKED),
        "count": 3,
        "none": None,
    }


def test_scrub_processor_leaves_exc_info_tuples_alone() -> None:
    try:
        raise RuntimeError("boom")
    except RuntimeError as exc:
        info = (type(exc), exc, exc.__traceback__)
    assert scrub_national_ids(None, "error", {"exc_info": info})["exc_info"] is info


def test_no_id_reaches_a_rendered_log_line() -> None:
    lines: list[str] = []

    def capture(_logger: Any, _method: str, event_dict: Any) -> str:
        line = structlog.processors.JSONRenderer()(_logger, _method, event_dict)
        lines.append(str(line))
        raise structlog.DropEvent

    logger = structlog.wrap_logger(
        structlog.ReturnLogger(),
        processors=[
            structlog.processors.format_exc_info,
            scrub_national_ids,
            capture,
        ],
    )
    try:
        raise ValueError(f"no patient with {NUMBER}")
    except ValueError:
        logger.exception("lookup failed", id_number=NUMBER, detail={"ids": [NUMBER]})
    assert lines
    assert not any(ID_NUMBER_PATTERN.search(line) for line in lines), lines
    assert MASKED in lines[0]


@given(
    prefix=st.text(alphabet="abc :=,;中文", max_size=5),
    number=st.from_regex(r"[0-9]{17}[0-9Xx]", fullmatch=True),
    suffix=st.text(alphabet="abc :=,;中文", max_size=5),
)
def test_scrubbed_values_never_match_the_pattern(prefix: str, number: str, suffix: str) -> None:
    scrubbed = scrub_national_ids(None, "info", {"v": [{"w": prefix + number + suffix}]})
    assert not ID_NUMBER_PATTERN.search(str(scrubbed))
