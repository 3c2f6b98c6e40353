"""The API fixtures, for the walks over every route."""

from tests.api.conftest import token_for  # noqa: F401 - re-exported fixture
