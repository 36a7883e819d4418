"""moto's SQS and EventBridge, as fast with a thousand messages queued as with ten.

moto reads the clock through a datetime for each message it looks at (is it visible, is it delayed), and
recomputes every attribute of a queue, counting its messages three times, for each message it delivers (to
check the retention period) and for each message sent to a FIFO queue (to read one flag). A billing run
queues one message per invoice on one FIFO queue: each receive cost grew with the square of the queue, and
the local run's time with it. These replacements answer exactly what moto answers, from one clock reading
and the queue's own fields. And for each event a rule sends to a queue through an input transformer, moto
builds a JSONPath parser anew (its grammar tables included) to read each path: a path is parsed once here.
moto offers no setting for this: its methods are replaced, once, in the emulator's process.
"""

from __future__ import annotations

import functools
import time
from typing import Any

_installed = False


def _now_ms() -> float:
    """moto's unix_time_millis(), without building datetimes: the same instant, read from the same clock."""
    return time.time() * 1000.0


def quick_moto_messaging() -> None:
    global _installed
    if _installed:
        return
    from moto.sqs.models import Message, Queue, SQSBackend

    def visible(message: Any) -> bool:
        return bool(_now_ms() > message.visible_at)

    def delayed(message: Any) -> bool:
        return bool(_now_ms() < message.delayed_until)

    def messages(queue: Any) -> list[Any]:
        now = _now_ms()
        return [m for m in queue._messages if now > m.visible_at and not now < m.delayed_until]

    def delayed_count(queue: Any) -> int:
        now = _now_ms()
        return sum(1 for m in queue._messages if now < m.delayed_until)

    def not_visible_count(queue: Any) -> int:
        now = _now_ms()
        return sum(1 for m in queue._messages if not now > m.visible_at)

    def visible_count(queue: Any) -> int:
        return len(messages(queue))

    def within_retention(backend: Any, queue_name: str, message: Any) -> bool:
        queue = backend.get_queue(queue_name)
        return bool(int(queue.message_retention_period) + message.sent_timestamp / 1000 > time.time())

    Message.visible = property(visible)  # type: ignore[method-assign, assignment]
    Message.delayed = property(delayed)  # type: ignore[method-assign, assignment]
    Queue.messages = property(messages)  # type: ignore[method-assign, assignment]
    Queue.approximate_number_of_messages_delayed = property(delayed_count)  # type: ignore[method-assign, assignment]
    Queue.approximate_number_of_messages_not_visible = property(not_visible_count)  # type: ignore[method-assign, assignment]
    Queue.approximate_number_of_messages = property(visible_count)  # type: ignore[method-assign, assignment]
    SQSBackend.is_message_valid_based_on_retention_period = within_retention  # type: ignore[method-assign, assignment]
    # moto imports ``parse`` from this module at each event: the cached one is what it finds.
    import jsonpath_ng.ext

    jsonpath_ng.ext.parse = functools.lru_cache(maxsize=256)(jsonpath_ng.ext.parse)
    _installed = True
