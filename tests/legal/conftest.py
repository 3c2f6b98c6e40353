"""Fixtures for the legal desk: desk staff and a small imported order."""

from __future__ import annotations

import pytest

from tidings.legal.actions.intake import do_import_demand


@pytest.fixture
def legal(make_account):
    return make_account("lex", role="legal")


@pytest.fixture
def legal_admin(make_account):
    return make_account("lexa", role="legal_admin")


@pytest.fixture
def import_order(legal):
    def run(text: str, **fields):
        fields.setdefault("authority_name", "Ministry of Electronics and Information Technology")
        fields.setdefault("country", "IN")
        fields.setdefault("reference", "MEITY/2021/001")
        fields.setdefault("acting_user", legal)
        return do_import_demand(text, **fields)

    return run
