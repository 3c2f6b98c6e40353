"""The backup file format: Django's JSON serialisation, with times to the microsecond.

Django's own JSON encoder cuts datetimes to the millisecond, so a dump and load
would move every timestamp. Registered as the ``tjson`` serialisation format by
``tidings backup`` and ``tidings restore`` (files named ``*.tjson.gz``).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.core import serializers
from django.core.serializers.json import Deserializer as JSONDeserializer
from django.core.serializers.json import DjangoJSONEncoder
from django.core.serializers.json import Serializer as JSONSerializer

FORMAT = "tjson"

__all__ = ["FORMAT", "Deserializer", "Serializer", "register"]


class _FullPrecisionEncoder(DjangoJSONEncoder):
    def default(self, o: Any) -> Any:
        if isinstance(o, datetime.datetime | datetime.time):
            return o.isoformat()
        return super().default(o)


class Serializer(JSONSerializer):
    def _init_options(self) -> None:
        self.options.setdefault("cls", _FullPrecisionEncoder)
        super()._init_options()


Deserializer = JSONDeserializer


#: Models that hold one machine's running state, not data: neither backed up nor in the way of
#: a restore (each process leases its snowflake worker number anew).
NOT_BACKED_UP = ("tidings.SnowflakeWorker",)


def register() -> None:
    serializers.register_serializer(FORMAT, __name__)
