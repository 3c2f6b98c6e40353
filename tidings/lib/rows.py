"""A model's rows read by one hand-written statement, converted exactly as the ORM converts them.

For the few lookups every request makes (its token, its session, its account), building
the SQL through the ORM costs more than running it; the statement is built once per
process from the model's own table and column names, and the values go through the
same converters ``QuerySet`` applies, so the instances equal what ``.get()`` returns.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from functools import cached_property
from typing import Any, Generic, TypeVar

from django.db import DEFAULT_DB_ALIAS, connections
from django.db.models import Model

M = TypeVar("M", bound=Model)


class ModelRows(Generic[M]):
    """Every concrete column of ``model`` as ``alias.column`` and a builder for its rows."""

    def __init__(self, model: type[M], alias: str, using: str = DEFAULT_DB_ALIAS) -> None:
        self.model = model
        self.alias = alias
        self.using = using
        self.fields = list(model._meta.concrete_fields)
        self.width = len(self.fields)

    @cached_property
    def columns(self) -> str:
        quote = connections[self.using].ops.quote_name
        return ", ".join(f"{self.alias}.{quote(field.column)}" for field in self.fields)

    @cached_property
    def table(self) -> str:
        return connections[self.using].ops.quote_name(self.model._meta.db_table)

    @cached_property
    def _converters(self) -> list[tuple[int, list[Callable[..., Any]], Any]]:
        connection = connections[self.using]
        out = []
        for index, field in enumerate(self.fields):
            column = field.get_col(self.model._meta.db_table)
            converters = connection.ops.get_db_converters(column) + field.get_db_converters(
                connection
            )
            if converters:
                out.append((index, converters, column))
        return out

    def build(self, values: Sequence[Any]) -> M:
        """The instance for one row's values (in ``columns`` order), as the ORM loads it."""
        values = list(values)
        connection = connections[self.using]
        for index, converters, column in self._converters:
            for convert in converters:
                values[index] = convert(values[index], column, connection)
        return self.model.from_db(self.using, None, values)
