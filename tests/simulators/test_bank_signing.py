"""The bank simulator's own WeChat Pay v3 signing (simulators/bank/signing.py) checked against
the published `wechatpayv3` package, and against forgeries."""

from __future__ import annotations

import base64
import json
from datetime import datetime, timedelta
from functools import cache

import pytest
from wechatpayv3 import utils as published

from hospital_bff.clock import SHANGHAI
from hospital_bff.datasources.wechatpay_crypto import BankKeys
from hospital_bff.simulators.bank.signing import (
    SignatureRefused,
    encrypt_resource,
    pay_sign_verified,
    platform_headers,
    read_authorization,
    request_verified,
    within_skew,
)

APIV3_KEY = "demo-apiv3-key-32-bytes-long-ok!"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
URL = "/sim/bank/v3/pay/transactions/h5"
BODY = json.dumps({"description": "挂号费", "amount": {"total": 6000}}, ensure_ascii=False)


@cache
def keys() -> BankKeys:
    return BankKeys.generate()


def published_authorization(monkeypatch: pytest.MonkeyPatch, body: str = BODY) -> str:
    monkeypatch.setattr(published.time, "time", lambda: NOW.timestamp())
    return published.build_authorization(
        URL, "POST", "1900009191", "SERIAL", keys().merchant_key, data=body
    )


def test_a_request_signed_by_the_published_client_is_verified(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    auth = read_authorization(published_authorization(monkeypatch))
    assert (auth.mchid, auth.serial_no, auth.timestamp) == (
        "1900009191",
        "SERIAL",
        str(int(NOW.timestamp())),
    )
    public = keys().merchant_public_key
    assert request_verified(public, auth, "POST", URL, BODY.encode())
    assert not request_verified(public, auth, "POST", URL, BODY.encode() + b" ")
    assert not request_verified(public, auth, "POST", URL + "?x=1", BODY.encode())
    assert not request_verified(public, auth, "PUT", URL, BODY.encode())
    other = BankKeys.generate().merchant_public_key
    assert not request_verified(other, auth, "POST", URL, BODY.encode())


@pytest.mark.parametrize(
    "header",
    [
        "",
        'WECHATPAY2-SHA256-RSA1024 mchid="1",nonce_str="n",signature="s",timestamp="1",'
        'serial_no="x"',
        'WECHATPAY2-SHA256-RSA2048 mchid="1",nonce_str="n",signature="s",timestamp="1"',
        "WECHATPAY2-SHA256-RSA2048 mchid=1,nonce_str=n,signature=s,timestamp=1,serial_no=x",
    ],
)
def test_unreadable_authorization_headers_are_refused(header: str) -> None:
    with pytest.raises(SignatureRefused):
        read_authorization(header)


def test_the_published_client_verifies_the_platform_headers() -> None:
    body = '{"h5_url":"https://wx.tenpay.com/cgi-bin/mmpayweb-bin/checkmweb?prepay_id=wx1"}'
    headers = platform_headers(keys().platform_key, "PLATFORM", body.encode(), NOW)
    assert headers["Wechatpay-Serial"] == "PLATFORM"
    assert published.rsa_verify(
        headers["Wechatpay-Timestamp"],
        headers["Wechatpay-Nonce"],
        body,
        headers["Wechatpay-Signature"],
        keys().platform_public_key,
    )
    assert not published.rsa_verify(
        headers["Wechatpay-Timestamp"],
        headers["Wechatpay-Nonce"],
        body + " ",
        headers["Wechatpay-Signature"],
        keys().platform_public_key,
    )


def test_the_published_client_opens_the_sealed_resource() -> None:
    resource = {"out_trade_no": "T1", "trade_state": "SUCCESS", "payer": {"openid": "o-张"}}
    sealed = encrypt_resource(APIV3_KEY.encode(), resource, "transaction")
    assert (sealed["algorithm"], len(sealed["nonce"])) == ("AEAD_AES_256_GCM", 12)
    opened = published.aes_decrypt(
        sealed["nonce"], sealed["ciphertext"], sealed["associated_data"], APIV3_KEY
    )
    assert opened is not None
    assert json.loads(opened) == resource
    # The tag is the last 16 bytes: a changed associated_data does not open.
    assert published.aes_decrypt(sealed["nonce"], sealed["ciphertext"], "refund", APIV3_KEY) is None
    assert len(base64.b64decode(sealed["ciphertext"])) > 16


def test_a_pay_sign_made_by_the_published_client_is_verified() -> None:
    fields = ["wx8888888888888888", str(int(NOW.timestamp())), "n0nce", "prepay_id=wx1"]
    pay_sign = published.rsa_sign(keys().merchant_key, "\n".join(fields) + "\n")
    public = keys().merchant_public_key
    assert pay_sign_verified(public, *fields, pay_sign)
    assert not pay_sign_verified(public, *fields[:3], "prepay_id=wx2", pay_sign)
    assert not pay_sign_verified(public, *fields, "not base64!")


@pytest.mark.parametrize(
    ("offset", "fresh"),
    [
        (timedelta(0), True),
        (timedelta(minutes=5), True),
        (timedelta(minutes=-5), True),
        (timedelta(minutes=5, seconds=1), False),
        (timedelta(minutes=-6), False),
    ],
)
def test_a_timestamp_is_accepted_within_five_minutes(offset: timedelta, fresh: bool) -> None:
    assert within_skew(str(int((NOW + offset).timestamp())), NOW) is fresh


@pytest.mark.parametrize("timestamp", ["", "-1", "1e9", "abc"])
def test_a_timestamp_that_is_not_a_number_is_refused(timestamp: str) -> None:
    assert not within_skew(timestamp, NOW)
