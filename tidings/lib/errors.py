"""Errors that actions and access helpers raise; views and the API turn them into answers."""

from __future__ import annotations


class TidingsError(Exception):
    """Base: a message that is safe to show to the user."""

    status = 400

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class InvalidInput(TidingsError):
    """The request is well-formed but cannot be carried out (422)."""

    status = 422


class NotPermitted(TidingsError):
    status = 403


class NotFound(TidingsError):
    status = 404
