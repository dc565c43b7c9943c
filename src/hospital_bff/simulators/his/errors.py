"""The refusals of the simulated HIS: `{code, message}` with an HTTP status."""

from __future__ import annotations


class HisError(Exception):
    """A refusal the simulated HIS answers as `{code, message}` with an HTTP status."""

    def __init__(self, status: int, code: str, message: str) -> None:
        super().__init__(f"{code}: {message}")
        self.status = status
        self.code = code
        self.message = message


def not_found(what: str) -> HisError:
    return HisError(404, "NOT_FOUND", f"{what} not found")


def invalid(message: str) -> HisError:
    return HisError(422, "INVALID_INPUT", message)
