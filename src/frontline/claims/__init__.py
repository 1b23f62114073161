"""Claims ledger: find the numbers and predictions in an article and check them.

API: :func:`extract_claims` (one Document -> Claims), :func:`check_claims` (verdicts with
evidence), :func:`write_ledger` (claims.csv / claims.json / claims.html per article).
"""
from __future__ import annotations

from frontline.claims.extract import extract_claims

__all__ = ["extract_claims", "check_claims", "write_ledger"]


def __getattr__(name):  # lazy: check/ledger pull in heavier modules
    if name == "check_claims":
        from frontline.claims.check import check_claims
        return check_claims
    if name == "write_ledger":
        from frontline.claims.ledger import write_ledger
        return write_ledger
    raise AttributeError(name)
