"""Seeding: the demo's public square (``tidings demo``) and the benchmark dataset (``tidings bench seed``).

Both describe rows in a :class:`~tidings.demo.dataset.Dataset` and insert them with
:func:`~tidings.demo.writer.write_dataset`, then record one audit event for the
whole seeding, so the audit chain stays intact.
"""
