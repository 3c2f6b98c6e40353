"""Every change the legal desk makes: one ``do_*`` function each, atomic and audited.

Every action here that changes withholdings, decisions or confirmations calls
``lock_legal_state()`` first and writes its audit events last: the one lock
order is documented in ``tidings/lib/locks.py``.
"""
