"""Our WeChat Pay v3 client crypto checked against a published implementation: the
`wechatpayv3` package (PyPI, github.com/minibear2021/wechatpayv3), so that a mistake shared by our
client and our simulator cannot pass. RSA PKCS#1 v1.5 signatures are deterministic, so the same
key, timestamp and nonce must give the very same header, byte for byte."""

from __future__ import annotations

import json
from datetime import datetime
from functools import cache

import pytest
from wechatpayv3 import utils as published

from hospital_bff.clock import SHANGHAI
from hospital_bff.datasources.wechatpay_crypto import (
    BankKeys,
    aead_decrypt,
    jsapi_pay_message,
    seal_resource,
    sign_message,
    sign_request,
    signed_headers,
    verify_signature,
)

APIV3_KEY = "demo-apiv3-key-32-bytes-long-ok!"
NOW = datetime(2026, 11, 27, 9, 0, tzinfo=SHANGHAI)
TIMESTAMP = int(NOW.timestamp())
NONCE = "593BEC0C930BF1AFEB40B4A08C8FB242"
MCH_ID = "1900009191"
SERIAL = "1DDE55AD98ED71D6EDD4A4A16996DE7B47773A8C"


@cache
def keys() -> BankKeys:
    return BankKeys.generate()


@pytest.mark.parametrize(
    ("method", "url", "body"),
    [
        ("GET", "/v3/pay/transactions/out-trade-no/T1?mchid=1900009191", ""),
        (
            "POST",
            "/v3/pay/transactions/h5",
            json.dumps({"description": "挂号费", "amount": {"total": 6000}}, ensure_ascii=False),
        ),
    ],
)
def test_our_authorization_header_is_the_published_one(
    method: str, url: str, body: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(published.time, "time", lambda: TIMESTAMP + 0.25)
    theirs = published.build_authorization(
        url, method, MCH_ID, SERIAL, keys().merchant_key, data=body or None, nonce_str=NONCE
    )
    ours = sign_request(
        private_key=keys().merchant_key,
        mch_id=MCH_ID,
        serial_no=SERIAL,
        method=method,
        url=url,
        body=body,
        timestamp=TIMESTAMP,
        nonce=NONCE,
    )
    assert ours == theirs


def test_the_published_client_accepts_the_answers_we_sign() -> None:
    body = json.dumps(
        {"trade_state": "SUCCESS", "trade_state_desc": "支付成功"}, ensure_ascii=False
    )
    headers = signed_headers(keys().platform_key, "SERIAL", body.encode(), now=NOW)
    assert published.rsa_verify(
        headers["Wechatpay-Timestamp"],
        headers["Wechatpay-Nonce"],
        body,
        headers["Wechatpay-Signature"],
        keys().platform_public_key,
    )


def test_we_accept_what_the_published_implementation_signs_and_nothing_else() -> None:
    body = '{"code":"ORDER_NOT_EXIST","message":"订单不存在"}'
    message = f"{TIMESTAMP}\n{NONCE}\n{body}\n"
    signature = published.rsa_sign(keys().platform_key, message)
    public = keys().platform_public_key
    assert verify_signature(public, str(TIMESTAMP), NONCE, body.encode(), signature)
    assert not verify_signature(public, str(TIMESTAMP), NONCE, body.encode() + b" ", signature)
    assert not verify_signature(public, str(TIMESTAMP + 1), NONCE, body.encode(), signature)


def test_the_published_client_opens_the_resources_we_seal() -> None:
    resource = {"out_trade_no": "T1", "trade_state": "SUCCESS", "payer": {"openid": "o-张"}}
    sealed = seal_resource(APIV3_KEY.encode(), resource, original_type="transaction")
    assert sealed["algorithm"] == "AEAD_AES_256_GCM"
    assert len(sealed["nonce"]) == 12
    opened = published.aes_decrypt(
        sealed["nonce"], sealed["ciphertext"], sealed["associated_data"], APIV3_KEY
    )
    assert opened is not None
    assert json.loads(opened) == resource
    # And ours opens the same thing the same way.
    mine = aead_decrypt(
        APIV3_KEY.encode(), sealed["nonce"], sealed["associated_data"], sealed["ciphertext"]
    )
    assert json.loads(mine) == resource


def test_our_pay_sign_is_the_published_one() -> None:
    package = "prepay_id=wx201410272009395522657a690389285100"
    fields = ["wx8888888888888888", str(TIMESTAMP), NONCE, package]
    theirs = published.rsa_sign(keys().merchant_key, "\n".join(fields) + "\n")
    ours = sign_message(keys().merchant_key, jsapi_pay_message(*fields))
    assert ours == theirs
