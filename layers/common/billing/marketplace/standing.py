"""Where a buyer's purchase stands, folded from every notice that concerns it, in any order: the same set
of notices gives the same standing, so events arriving late, twice or shuffled end in one state."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from billing.marketplace.notices import Notice, NoticeKind

_STARTS = {
    NoticeKind.AGREEMENT_CREATED,
    NoticeKind.AGREEMENT_AMENDED,
    NoticeKind.LICENSE_UPDATED,
    NoticeKind.SUBSCRIBE_SUCCESS,
    NoticeKind.ENTITLEMENT_UPDATED,
}
# The license or the subscription is gone for good; one agreement ending may be replaced by another.
_FINAL = {NoticeKind.LICENSE_DEPROVISIONED, NoticeKind.UNSUBSCRIBE_SUCCESS, NoticeKind.SUBSCRIBE_FAIL}


@dataclass(frozen=True, slots=True)
class Standing:
    """Where a Marketplace buyer stands once every notice received is applied."""

    active: bool
    ended: bool
    agreements: frozenset[str]
    free_trial: bool
    unsubscribe_pending: bool


def standing_of(notices: Iterable[Notice]) -> Standing:
    notices = list(notices)
    agreements = {n.agreement_id for n in notices if n.agreement_id}
    ended_agreements = {n.agreement_id for n in notices if n.kind is NoticeKind.AGREEMENT_ENDED and n.agreement_id}
    final = any(n.kind in _FINAL for n in notices)
    started = any(n.kind in _STARTS for n in notices)
    open_agreements = agreements - ended_agreements
    # Ended: the license is gone, or every agreement it had has ended.
    ended = final or (bool(agreements) and not open_agreements)
    return Standing(
        active=started and not ended,
        ended=ended,
        agreements=frozenset(agreements),
        free_trial=any(n.free_trial for n in notices),
        unsubscribe_pending=any(n.kind is NoticeKind.UNSUBSCRIBE_PENDING for n in notices) and not ended,
    )
