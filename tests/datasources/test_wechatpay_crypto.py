"""The WeChat Pay v3 signatures and AEAD resources: round trips, and every forgery refused."""

from __future__ import annotations

import base64
import json
import os
import stat
from datetime import datetime, timedelta
from functools import cache
from pathlib import Path

import pytest
from cryptography import x509
from cryptography.hazmat.primitives import hashes
from cryptography.x509.oid import NameOID

from hospital_bff.clock import SHANGHAI, FrozenClock
from hospital_bff.datasources.wechatpay_crypto import (
    BankKeys,
    ForgedNotification,
    InvalidCiphertext,
    NotificationVerifier,
    StaleNotification,
    WechatPayCryptoError,
    aead_decrypt,
    aead_encrypt,
    ensure_demo_keys,
    load_merchant_keys,
    load_private_key,
    parse_authorization,
    private_key_to_pem,
    public_key_to_pem,
    seal_resource,
    sign_request,
    signed_headers,
    verify_request,
    verify_signature,
)

APIV3_KEY = b"demo-apiv3-key-32-bytes-long-ok!"
NOW = datetime(2024, 5, 1, 10, 0, tzinfo=SHANGHAI)


@cache
def keys() -> BankKeys:
    return BankKeys.generate()


@cache
def other_keys() -> BankKeys:
    return BankKeys.generate()


def test_request_signature_round_trip_and_header_format() -> None:
    body = '{"out_trade_no":"R1","amount":{"total":100}}'
    header = sign_request(
        private_key=keys().merchant_key,
        mch_id="1900000001",
        serial_no="SERIAL",
        method="POST",
        url="/v3/pay/transactions/h5",
        body=body,
        timestamp=1714528800,
        nonce="NONCE123",
    )
    assert header.startswith('WECHATPAY2-SHA256-RSA2048 mchid="1900000001",nonce_str="NONCE123"')
    auth = parse_authorization(header)
    assert (auth.mchid, auth.timestamp, auth.serial_no) == ("1900000001", "1714528800", "SERIAL")
    pub = keys().merchant_public_key
    assert verify_request(pub, auth, "POST", "/v3/pay/transactions/h5", body)
    assert not verify_request(pub, auth, "POST", "/v3/pay/transactions/h5", body + " ")
    assert not verify_request(pub, auth, "GET", "/v3/pay/transactions/h5", body)
    assert not verify_request(
        other_keys().merchant_public_key, auth, "POST", "/v3/pay/transactions/h5", body
    )


def test_authorization_of_another_schema_is_refused() -> None:
    with pytest.raises(WechatPayCryptoError):
        parse_authorization('Bearer mchid="1"')
    with pytest.raises(WechatPayCryptoError):
        parse_authorization('WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n"')


def test_response_signature_refuses_forgery_and_the_wrong_key() -> None:
    headers = signed_headers(keys().platform_key, "P", b'{"a":1}', now=NOW)
    ts, nonce, sig = (
        headers[h] for h in ("Wechatpay-Timestamp", "Wechatpay-Nonce", "Wechatpay-Signature")
    )
    assert ts == str(int(NOW.timestamp()))
    assert verify_signature(keys().platform_public_key, ts, nonce, b'{"a":1}', sig)
    assert not verify_signature(keys().platform_public_key, ts, nonce, b'{"a":2}', sig)
    assert not verify_signature(other_keys().platform_public_key, ts, nonce, b'{"a":1}', sig)
    assert not verify_signature(keys().platform_public_key, ts, nonce, b'{"a":1}', "bm90IGEgc2ln")
    assert not verify_signature(keys().platform_public_key, ts, nonce, b'{"a":1}', "%%%")


def test_aead_round_trip_and_tampering() -> None:
    sealed = aead_encrypt(APIV3_KEY, "0123456789ab", "transaction", "你好 world")
    assert aead_decrypt(APIV3_KEY, "0123456789ab", "transaction", sealed) == "你好 world".encode()
    raw = bytearray(base64.b64decode(sealed))
    raw[0] ^= 1
    with pytest.raises(InvalidCiphertext):
        aead_decrypt(APIV3_KEY, "0123456789ab", "transaction", base64.b64encode(raw).decode())
    with pytest.raises(InvalidCiphertext):
        aead_decrypt(b"x" * 32, "0123456789ab", "transaction", sealed)
    with pytest.raises(InvalidCiphertext):
        aead_decrypt(APIV3_KEY, "0123456789ab", "refund", sealed)


def _notification(*, resource: dict[str, str] | None = None) -> bytes:
    envelope = {
        "id": "EV-1",
        "create_time": NOW.isoformat(),
        "resource_type": "encrypt-resource",
        "event_type": "TRANSACTION.SUCCESS",
        "summary": "支付成功",
        "resource": resource
        or seal_resource(
            APIV3_KEY, {"out_trade_no": "R1", "trade_state": "SUCCESS"}, original_type="transaction"
        ),
    }
    return json.dumps(envelope).encode()


def _verifier(clock: FrozenClock) -> NotificationVerifier:
    return NotificationVerifier(
        platform_keys={"P": keys().platform_public_key}, apiv3_key=APIV3_KEY, clock=clock
    )


def test_notification_verifier_opens_a_genuine_notification() -> None:
    body = _notification()
    headers = signed_headers(keys().platform_key, "P", body, now=NOW)
    verified = _verifier(FrozenClock(NOW)).verify({k.lower(): v for k, v in headers.items()}, body)
    assert verified.event_type == "TRANSACTION.SUCCESS"
    assert verified.original_type == "transaction"
    assert verified.resource == {"out_trade_no": "R1", "trade_state": "SUCCESS"}


def test_notification_signed_by_another_key_is_forged() -> None:
    body = _notification()
    headers = signed_headers(other_keys().platform_key, "P", body, now=NOW)
    with pytest.raises(ForgedNotification):
        _verifier(FrozenClock(NOW)).verify(headers, body)


def test_notification_with_an_unknown_serial_is_forged() -> None:
    body = _notification()
    headers = signed_headers(keys().platform_key, "SOMEONE-ELSE", body, now=NOW)
    with pytest.raises(ForgedNotification):
        _verifier(FrozenClock(NOW)).verify(headers, body)


def test_notification_with_an_altered_body_is_forged() -> None:
    body = _notification()
    headers = signed_headers(keys().platform_key, "P", body, now=NOW)
    with pytest.raises(ForgedNotification):
        _verifier(FrozenClock(NOW)).verify(headers, body.replace(b"EV-1", b"EV-2"))


@pytest.mark.parametrize("skew", [timedelta(minutes=6), timedelta(minutes=-6)])
def test_notification_signed_outside_five_minutes_is_stale(skew: timedelta) -> None:
    body = _notification()
    headers = signed_headers(keys().platform_key, "P", body, now=NOW)
    with pytest.raises(StaleNotification):
        _verifier(FrozenClock(NOW + skew)).verify(headers, body)
    _verifier(FrozenClock(NOW + timedelta(minutes=4))).verify(headers, body)


def test_notification_with_a_tampered_ciphertext_is_forged_even_if_signed() -> None:
    resource = seal_resource(APIV3_KEY, {"out_trade_no": "R1"}, original_type="transaction")
    raw = bytearray(base64.b64decode(resource["ciphertext"]))
    raw[-1] ^= 1
    resource["ciphertext"] = base64.b64encode(raw).decode()
    body = _notification(resource=resource)
    headers = signed_headers(keys().platform_key, "P", body, now=NOW)
    with pytest.raises(ForgedNotification):
        _verifier(FrozenClock(NOW)).verify(headers, body)


def test_notification_under_another_apiv3_key_is_forged() -> None:
    resource = seal_resource(b"y" * 32, {"out_trade_no": "R1"}, original_type="transaction")
    body = _notification(resource=resource)
    headers = signed_headers(keys().platform_key, "P", body, now=NOW)
    with pytest.raises(ForgedNotification):
        _verifier(FrozenClock(NOW)).verify(headers, body)


def test_demo_keys_are_generated_once_and_private(tmp_path: Path) -> None:
    first = ensure_demo_keys(tmp_path / "keys")
    second = ensure_demo_keys(tmp_path / "keys")
    assert private_key_to_pem(first.merchant_key) == private_key_to_pem(second.merchant_key)
    assert private_key_to_pem(first.platform_key) == private_key_to_pem(second.platform_key)
    assert private_key_to_pem(first.merchant_key) != private_key_to_pem(first.platform_key)
    for name in ("merchant_key.pem", "platform_key.pem"):
        assert stat.S_IMODE(os.stat(tmp_path / "keys" / name).st_mode) == 0o600
    assert sorted(p.name for p in (tmp_path / "keys").iterdir()) == [
        "merchant_key.pem",
        "platform_key.pem",
    ]


def test_a_private_key_is_parsed_once_per_process(tmp_path: Path) -> None:
    """Every app start loads the same demo keys several times; OpenSSL's check of an RSA key
    (about 40 ms of CPU) runs once per PEM, and a PEM that is not an RSA key is still refused
    each time."""
    pem = private_key_to_pem(keys().merchant_key)
    first = load_private_key(pem)
    assert load_private_key(bytes(pem)) is first
    assert private_key_to_pem(first) == pem
    with pytest.raises(ValueError):
        load_private_key(b"-----BEGIN PRIVATE KEY-----\nnot a key\n-----END PRIVATE KEY-----\n")


def test_production_keys_load_from_a_certificate_or_a_public_key(tmp_path: Path) -> None:
    (tmp_path / "apiclient_key.pem").write_bytes(private_key_to_pem(keys().merchant_key))
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "Tenpay")])
    cert = (
        x509.CertificateBuilder()
        .subject_name(name)
        .issuer_name(name)
        .public_key(keys().platform_public_key)
        .serial_number(0x5157F09EFDC096DE15EBE81A47057A72)
        .not_valid_before(NOW)
        .not_valid_after(NOW + timedelta(days=365))
        .sign(keys().platform_key, hashes.SHA256())
    )
    from cryptography.hazmat.primitives.serialization import Encoding

    (tmp_path / "wechatpay_cert.pem").write_bytes(cert.public_bytes(Encoding.PEM))
    (tmp_path / "PUB_KEY_ID_0001.pem").write_bytes(public_key_to_pem(keys().platform_public_key))

    from_cert = load_merchant_keys(
        merchant_key_path=tmp_path / "apiclient_key.pem",
        merchant_serial="M",
        platform_key_path=tmp_path / "wechatpay_cert.pem",
    )
    assert list(from_cert.platform_keys) == ["5157F09EFDC096DE15EBE81A47057A72"]
    from_key = load_merchant_keys(
        merchant_key_path=tmp_path / "apiclient_key.pem",
        merchant_serial="M",
        platform_key_path=tmp_path / "PUB_KEY_ID_0001.pem",
    )
    assert list(from_key.platform_keys) == ["PUB_KEY_ID_0001"]
