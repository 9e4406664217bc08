"""The Dutch citizen service number (BSN) and its 11-proef."""

from __future__ import annotations


def is_valid_bsn(value: str) -> bool:
    """Nine digits whose weighted sum (9..2, and -1 for the last digit) is divisible by 11."""
    if not isinstance(value, str) or len(value) != 9 or not value.isdigit():
        return False
    if value == "000000000":
        return False
    total = sum(int(d) * w for d, w in zip(value[:8], range(9, 1, -1), strict=True))
    total -= int(value[8])
    return total % 11 == 0


def normalise_bsn(value: str) -> str:
    """Strip spaces and dots; pad eight-digit numbers with a leading zero (as the BRP does)."""
    v = value.replace(" ", "").replace(".", "").strip()
    if len(v) == 8 and v.isdigit():
        v = "0" + v
    return v
