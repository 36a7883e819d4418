"""Local Lambda triggers: SQS queues drained into their functions, the hourly schedule on a movable clock.

`POST /_local/clock {"advance_to": ...}` moves time forward, fires the billing run at each scheduled
hour at which something is due (the DUE index says when: hours with nothing due would do nothing), and
returns once every queue is empty, like Stripe's test clocks. Local mode only: the deployed stack has
neither the route nor the movable clock.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import boto3
from botocore.config import Config

from billing.adapters.aws_clients import USER_AGENT
from billing.clock import install_clock
from infra.manifest import FUNCTIONS, QUEUES, SCHEDULES
from local.gateway import Gateway

log = logging.getLogger("local.clock")
MAX_ATTEMPTS = {queue.id: queue.max_receive_count for queue in QUEUES}
FIFO_QUEUES = {queue.id for queue in QUEUES if queue.fifo}


def next_run_at(due: datetime, now: datetime) -> datetime:
    """The first hourly run that sees something due at ``due`` (the schedule fires on the hour)."""
    fire = max(due, now)
    if fire.minute or fire.second:
        fire = fire.replace(minute=0, second=0) + timedelta(hours=1)
    return fire


def next_minute_at(due: datetime, now: datetime) -> datetime:
    """The first one-minute sweep that sees something due at ``due`` (webhook retries)."""
    fire = max(due, now)
    if fire.second or fire.microsecond:
        fire = fire.replace(second=0, microsecond=0) + timedelta(minutes=1)
    return fire


class MovableClock:
    """Real time plus an offset that only grows: time flows, and can jump forward."""

    def __init__(self) -> None:
        self._offset = timedelta(0)

    def now(self) -> datetime:
        return (datetime.now(UTC) + self._offset).replace(microsecond=0)

    def advance_to(self, instant: datetime) -> None:
        if instant > self.now():
            self._offset = instant - datetime.now(UTC)


class LocalTriggers:
    def __init__(self, gateway: Gateway, resources: dict[str, str], table: str, endpoint: str) -> None:
        self.gateway = gateway
        self.resources = resources
        self.table = table
        self.clock = MovableClock()
        install_clock(self.clock)
        # The functions' fixed User-Agent (billing.adapters.aws_clients): these poll in the emulators' process.
        config = Config(user_agent=USER_AGENT)
        self._sqs = boto3.client("sqs", endpoint_url=endpoint, config=config)
        self._dynamodb = boto3.client("dynamodb", endpoint_url=endpoint, config=config)
        self._lock = threading.Lock()
        self._triggers = [(f.name, trigger) for f in FUNCTIONS for trigger in f.triggers]
        self._stop = threading.Event()
        self._pool = ThreadPoolExecutor(max_workers=4 * len(self._triggers), thread_name_prefix="trigger")
        # Called with the clock's instant after each step of an advance and every few seconds under `make run`
        # (the backend saves its state there when asked to keep it: local/persistence.py).
        self.after_step: Callable[[datetime], None] = lambda _: None

    # --- queues ---------------------------------------------------------------------------------------
    def drain(self, limit: int = 10_000, only: frozenset[str] | None = None) -> int:
        """Deliver queued messages to their functions until every queue is empty; returns how many.
        ``only``: these functions' queues (a benchmark measuring one function). Each round receives from
        each queue as many times as the gateway's concurrency (within the trigger's own cap), up to ten
        messages each time, and hands them to their functions in batches of the trigger's size at once (as
        Lambda's SQS pollers do, and scale out), then deletes what succeeded, ten receipts a request. A
        round lasts as long as its longest batch: a function taking one message a batch (webhooks) gets
        ten batches a receive, run by its containers as they free up, not one per round."""
        delivered, attempts = 0, dict[str, int]()
        while delivered < limit:
            batches = []
            for function, trigger in self._triggers:
                if only is not None and function not in only:
                    continue
                url = self.resources[f"queue:{trigger.queue}"]
                # As many batches as containers, within the trigger's own cap (payments: Stripe's rate).
                for _ in range(min(self.gateway.functions.concurrency, trigger.max_concurrency or 1_000)):
                    received = self._sqs.receive_message(
                        QueueUrl=url,
                        # A FIFO group's messages stay in one batch, in order; others are split in batches.
                        MaxNumberOfMessages=trigger.batch_size if trigger.queue in FIFO_QUEUES else 10,
                        VisibilityTimeout=300,  # taken until this round ends (deleted or made visible again)
                        AttributeNames=["All"],
                    ).get("Messages", [])
                    if not received:
                        break
                    for start in range(0, len(received), trigger.batch_size):
                        batches.append((function, trigger, url, received[start : start + trigger.batch_size]))
            if not batches:
                return delivered
            outcomes = list(self._pool.map(lambda batch: self._invoke(batch[0], batch[2], batch[3]), batches))
            settled: dict[str, tuple[list[dict[str, Any]], list[dict[str, Any]]]] = {}  # a queue's, for the round
            for (_, trigger, url, received), failed in zip(batches, outcomes, strict=True):
                done, again = settled.setdefault(url, ([], []))
                for message in received:
                    tries = attempts[message["MessageId"]] = attempts.get(message["MessageId"], 0) + 1
                    if message["MessageId"] not in failed or tries >= MAX_ATTEMPTS[trigger.queue]:
                        done.append(message)  # done, or retried as often as the redrive policy allows (the DLQ's job)
                    else:
                        again.append(message)
                delivered += len(received)
            for url, (done, again) in settled.items():
                self._settle(url, done, again)
        return delivered

    def _settle(self, url: str, done: list[dict[str, Any]], again: list[dict[str, Any]]) -> None:
        for start in range(0, len(done), 10):
            entries = [
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"]} for n, m in enumerate(done[start : start + 10])
            ]
            self._sqs.delete_message_batch(QueueUrl=url, Entries=entries)
        for start in range(0, len(again), 10):
            entries = [
                {"Id": str(n), "ReceiptHandle": m["ReceiptHandle"], "VisibilityTimeout": 0}
                for n, m in enumerate(again[start : start + 10])
            ]
            self._sqs.change_message_visibility_batch(QueueUrl=url, Entries=entries)

    def _invoke(self, function: str, url: str, messages: list[dict[str, Any]]) -> set[str]:
        arn = f"arn:aws:sqs:eu-west-3:123456789012:{url.rsplit('/', 1)[-1]}"
        event = {
            "Records": [
                {
                    "messageId": m["MessageId"],
                    "receiptHandle": m["ReceiptHandle"],
                    "body": m["Body"],
                    "attributes": m.get("Attributes", {}),
                    "messageAttributes": {},
                    "md5OfBody": m.get("MD5OfBody", ""),
                    "eventSource": "aws:sqs",
                    "eventSourceARN": arn,
                    "awsRegion": "eu-west-3",
                }
                for m in messages
            ]
        }
        try:
            result = self.gateway.functions[function].invoke(event) or {}
        except Exception:
            return {m["MessageId"] for m in messages}  # the whole batch failed: every message returns
        return {failure["itemIdentifier"] for failure in result.get("batchItemFailures", [])}

    # --- schedules ------------------------------------------------------------------------------------
    def fire_schedules(self) -> None:
        for schedule in SCHEDULES:
            event = {
                "version": "0",
                "id": str(uuid.uuid4()),
                "detail-type": "Scheduled Event",
                "source": "aws.scheduler",
                "time": self.clock.now().isoformat(),
                "detail": {},
            }
            try:
                self.gateway.functions[schedule.function].invoke(event)
            except Exception:
                # As EventBridge Scheduler: a failed run is logged and the next one (an hour on) does its work.
                log.exception("scheduled %s failed", schedule.function)

    def earliest_due(self) -> datetime | None:
        """The first instant the schedules have work: the billing run's next hour with something due, or
        with an event a crash left in the outbox (the run republishes them: on AWS it runs every hour, so a
        charge whose event was not published waits an hour, not until the next thing falls due), or the
        minute a webhook retry falls due (the retry sweep runs every minute)."""
        from billing.adapters.dynamodb_webhooks import WEBHOOK_DUE_PREFIX
        from billing.runs.shards import DUE_SHARDS

        now = self.clock.now()
        earliest = None
        for prefix, index, fire_at in (
            ("DUE#", "DUE", next_run_at),
            ("OUTBOX#", None, next_run_at),
            (WEBHOOK_DUE_PREFIX, "DUE", next_minute_at),
        ):
            key = "duepk" if index else "pk"
            for shard in range(DUE_SHARDS):
                query = {"IndexName": index} if index else {"ConsistentRead": True}
                items = self._dynamodb.query(
                    TableName=self.table,
                    Limit=1,
                    KeyConditionExpression=f"{key} = :pk",
                    ExpressionAttributeValues={":pk": {"S": f"{prefix}{shard}"}},
                    **query,
                )["Items"]
                if items:
                    instant = items[0]["duesk" if index else "sk"]["S"].split("#", 1)[0]
                    due = fire_at(datetime.fromisoformat(instant), now)
                    earliest = due if earliest is None else min(earliest, due)
        return earliest

    def advance_to(self, target: datetime) -> dict[str, Any]:
        """Move the clock to ``target``, running the hourly schedule wherever something falls due."""
        with self._lock:
            runs = messages = 0
            messages += self.drain()
            while True:
                fire = self.earliest_due()
                if fire is None or fire > target:
                    break
                self.clock.advance_to(fire)
                log.info("clock %s: scheduled runs", fire.isoformat())
                messages += self._fire_and_drain()
                runs += 1
                self.after_step(self.clock.now())
            self.clock.advance_to(target)
            messages += self._fire_and_drain()
            runs += 1
            self.after_step(self.clock.now())
            return {"now": self.clock.now().isoformat(), "runs": runs, "messages": messages}

    def _fire_and_drain(self, poll_s: float = 0.05) -> int:
        """Fire the schedules and deliver what they queue while they queue it, as Lambda's SQS pollers do: a
        large billing run takes seconds to queue its messages (1,600 subscriptions here), and its first ones are
        being worked meanwhile. Returns how many messages were delivered."""
        firing = threading.Thread(target=self.fire_schedules, name="schedules", daemon=True)
        firing.start()
        delivered = 0
        while firing.is_alive():
            delivered += self.drain()
            firing.join(poll_s)
        return delivered + self.drain()

    def tick_forever(self, every_s: float = 30.0, poll_s: float = 1.0) -> None:
        """`make run`: queues are polled every second (as Lambda's SQS triggers do: webhooks, charges,
        documents), and whatever fell due runs in real time (the hourly schedule, compressed)."""
        last_run = time.monotonic()
        while not self._stop.wait(poll_s):
            with self._lock:
                self.drain()
                if time.monotonic() - last_run >= every_s:
                    last_run = time.monotonic()
                    due = self.earliest_due()
                    if due is not None and due <= self.clock.now():
                        self.fire_schedules()
                        self.drain()
                    self.after_step(self.clock.now())

    def stop(self) -> None:
        self._stop.set()
        self._pool.shutdown(wait=False, cancel_futures=True)
        install_clock(None)


def clock_reading(triggers: LocalTriggers) -> tuple[int, dict[str, str], bytes]:
    """``GET /_local/clock``: the backend's time (ahead of the machine's once moved forward)."""
    return 200, {"Content-Type": "application/json"}, json.dumps({"now": triggers.clock.now().isoformat()}).encode()


def clock_request(triggers: LocalTriggers, body: bytes) -> tuple[int, dict[str, str], bytes]:
    try:
        target = datetime.fromisoformat(json.loads(body or b"{}")["advance_to"].replace("Z", "+00:00"))
        if target.tzinfo is None:
            raise ValueError("naive")
    except (KeyError, ValueError, TypeError, json.JSONDecodeError):
        problem = {
            "type": "urn:billing:problem:invalid_clock",
            "title": "Bad Request",
            "status": 400,
            "code": "invalid_clock",
            "detail": 'Send {"advance_to": "<ISO 8601 instant with zone>"}.',
        }
        return 400, {"Content-Type": "application/problem+json"}, json.dumps(problem).encode()
    started = time.monotonic()
    report = triggers.advance_to(target.astimezone(UTC))
    report["seconds"] = f"{time.monotonic() - started:.1f}"
    return 200, {"Content-Type": "application/json"}, json.dumps(report).encode()
