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


class Gone(TidingsError):
    """The subject existed and was deleted by its owner (410)."""

    status = 410


class Withheld(TidingsError):
    """The subject is withheld in the viewer's country in response to a legal demand (451).

    ``handle`` is the account concerned, ``scope`` "account" or "status",
    ``countries`` the viewer's countries where it is withheld, ``notice_url`` the
    public notice of the demand (sent as ``Link: <…>; rel="blocked-by"``),
    ``explanation`` who asked and under which law ("Demand from … under ….", or ""
    for a withholding made directly).
    """

    status = 451

    def __init__(
        self,
        *,
        handle: str,
        scope: str,
        countries: frozenset[str],
        notice_url: str = "",
        explanation: str = "",
    ) -> None:
        from tidings.lib.countries import withheld_where

        self.notice_url = notice_url
        self.explanation = explanation
        self.handle = handle
        self.scope = scope
        self.countries = countries
        where = withheld_where(countries)
        if scope == "account":
            message = f"@{handle} has been withheld {where} in response to a legal demand."
        else:
            message = (
                f"This post from @{handle} has been withheld {where} in response to a legal demand."
            )
        super().__init__(message)
