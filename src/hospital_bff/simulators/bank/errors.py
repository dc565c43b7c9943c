"""The bank simulator's refusals: WeChat Pay v3's ``{code, message}`` with an HTTP status."""

from __future__ import annotations


class BankError(Exception):
    """A refusal the platform answers with ``{code, message}`` and an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message
