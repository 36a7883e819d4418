"""The scheduled run: read the DUE index up to now, queue one message per object, flush the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from billing.clock import Clock
from billing.ports import EventPublisher, WorkQueue
from billing.runs.ports import DueWork
from billing.runs.publish_events import publish_events

# A due invoice may be a draft to finalize, which takes the next number of the seller's gapless series: those
# messages form one group, handed to one worker at a time (the work queue is FIFO), so numbers are taken
# one after another instead of racing on the series' counter and retrying. Everything else runs in parallel.
NUMBERING_GROUP = "numbering"
NUMBERED_KINDS = frozenset({"invoice"})


@dataclass(frozen=True, slots=True)
class RunReport:
    """What one billing run did: due work queued for the worker, events of the outbox published again."""

    queued: int
    republished: int


def run_billing(store: DueWork, queue: WorkQueue, publisher: EventPublisher, clock: Clock, shards: int) -> RunReport:
    """Fan out: one message per due subscription or invoice; the worker decides what to do.

    Running twice, or overlapping, only queues duplicates, which the worker absorbs: each action is
    conditioned on the version it read and on still being due.
    """
    now = clock.now()
    messages = [
        {"kind": kind, "id": object_id} | ({"group": NUMBERING_GROUP} if kind in NUMBERED_KINDS else {})
        for shard in range(shards)
        for kind, object_id in store.due(shard, now)
    ]
    queue.send(messages)
    republished = sum(publish_events(store.outbox(shard), store, publisher) for shard in range(shards))
    return RunReport(len(messages), republished)
