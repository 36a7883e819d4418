"""The scheduled run: read the DUE index up to now, queue one message per object, flush the outbox."""

from __future__ import annotations

from dataclasses import dataclass

from billing.clock import Clock
from billing.ports import EventPublisher, WorkQueue
from billing.runs.ports import DueWork
from billing.runs.publish_events import publish_events


@dataclass(frozen=True, slots=True)
class RunReport:
    queued: int
    republished: int


def run_billing(store: DueWork, queue: WorkQueue, publisher: EventPublisher, clock: Clock, shards: int) -> RunReport:
    """Fan out: one message per due subscription or invoice; the worker decides what to do.

    Running twice, or overlapping, only queues duplicates, which the worker absorbs: each action is
    conditioned on the version it read and on still being due.
    """
    now = clock.now()
    messages = [{"kind": kind, "id": object_id} for shard in range(shards) for kind, object_id in store.due(shard, now)]
    queue.send(messages)
    republished = sum(publish_events(store.outbox(shard), store, publisher) for shard in range(shards))
    return RunReport(len(messages), republished)
