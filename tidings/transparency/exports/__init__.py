"""Exports to the public databases of legal demands: Lumen notices and EU DSA statements of reasons.

Both are built from ``transparency.redaction`` alone (what the public may read of
a demand), never from reviewers, decision, match or lift reasons.
"""
