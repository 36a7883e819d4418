"""How much each reliability test does: a bounded amount in `make test`, more in `make soak`
(BILLING_SOAK=1), so the same tests measure the same properties at both scales."""

from __future__ import annotations

import os


def soaking() -> bool:
    return os.environ.get("BILLING_SOAK") == "1"


def budget(in_make_test: int, in_make_soak: int) -> int:
    return in_make_soak if soaking() else in_make_test
