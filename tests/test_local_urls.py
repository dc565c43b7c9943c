"""A demo's URLs come from BFF_PUBLIC_URL or loopback, never from a wildcard bind address."""

from __future__ import annotations

import pytest

from hospital_bff.local_urls import demo_urls, local_url


@pytest.mark.parametrize(
    ("host", "url"),
    [
        ("0.0.0.0", "http://127.0.0.1:8000"),
        ("::", "http://127.0.0.1:8000"),
        ("", "http://127.0.0.1:8000"),
        ("127.0.0.1", "http://127.0.0.1:8000"),
        ("::1", "http://[::1]:8000"),
        ("10.1.2.3", "http://10.1.2.3:8000"),
        ("bff.local", "http://bff.local:8000"),
    ],
)
def test_local_url(host: str, url: str) -> None:
    assert local_url(host, 8000) == url


def test_a_wildcard_bind_never_becomes_the_public_url() -> None:
    urls = demo_urls("0.0.0.0", 8080, embedded=True, environ={})
    assert urls["BFF_PUBLIC_URL"] == "http://127.0.0.1:8080"
    assert urls["BFF_BANK_BASE_URL"] == "http://127.0.0.1:8080/sim/bank"
    assert not any("0.0.0.0" in url for url in urls.values())


def test_the_public_url_set_wins_and_the_simulators_stay_on_loopback() -> None:
    urls = demo_urls(
        "0.0.0.0", 8080, embedded=True, environ={"BFF_PUBLIC_URL": "https://bff.example"}
    )
    assert urls["BFF_PUBLIC_URL"] == "https://bff.example"
    assert urls["BFF_HIS_BASE_URL"] == "http://127.0.0.1:8080/sim/his"
    assert demo_urls("0.0.0.0", 8080, embedded=False, environ={}) == {
        "BFF_PUBLIC_URL": "http://127.0.0.1:8080"
    }
