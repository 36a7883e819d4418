"""Faults injected at the AWS boundary, in the emulator process: a function "crashes" right after one of
its writes took effect, or right before one of its side effects happens, so tests can check that the
retry (SQS redelivery, the client's retried request, the next sweep) ends in the same state.

moto's WSGI app is wrapped (as local/mailbox.py does for LocalStack's mailbox route) with:
- ``POST /_faults`` ``{"operation": "dynamodb:TransactWriteItems", "when": "after", "skip": 2}``: the 3rd
  matching request from now is applied and then answered with an error (``when: "before"``: answered
  with the error, not applied). One fault at a time; arming one clears the call counts.
- ``GET /_faults``: the armed fault (``fired``: whether it went off), the calls seen per operation since,
  DynamoDB's write units and the events put on EventBridge since (local/capacity.py; EventBridge bills each
  event, up to ten a PutEvents; `make bench` bills a run from these, whichever process made the requests).
- ``DELETE /_faults``: disarm.

The error is a 400 ``InjectedFault`` in the service's protocol: the SDK does not retry it, so the caller
fails as a crashed function would. Operations are named ``service:Action`` from ``X-Amz-Target`` (JSON
protocols: DynamoDB, SQS, EventBridge), the form's ``Action`` (SES) or, for S3, ``s3:PutObject``.
"""

from __future__ import annotations

import io
import json
import threading
import urllib.parse
from collections import Counter
from collections.abc import Callable, Iterable
from typing import Any

from local.capacity import DYNAMODB_WRITES, write_units

WsgiApp = Callable[[dict[str, Any], Callable[..., Any]], Iterable[bytes]]
PATH = "/_faults"
_TARGET_SERVICES = {"DynamoDB_20120810": "dynamodb", "AmazonSQS": "sqs", "AWSEvents": "events"}


class FaultPlan:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.armed: dict[str, Any] | None = None
        self.calls: Counter[str] = Counter()
        self.write_units = 0.0
        self.events_put = 0

    def arm(self, operation: str, when: str, skip: int) -> None:
        if when not in ("before", "after"):
            raise ValueError("when: before or after")
        with self._lock:
            self.armed = {"operation": operation, "when": when, "skip": skip, "fired": False}
            self.calls.clear()
            self.write_units = 0.0
            self.events_put = 0

    def disarm(self) -> None:
        with self._lock:
            self.armed = None

    def state(self) -> dict[str, Any]:
        with self._lock:
            return {
                "armed": self.armed,
                "calls": dict(self.calls),
                "dynamodb_write_units": self.write_units,
                "events_put": self.events_put,
            }

    def add_write_units(self, units: float) -> None:
        with self._lock:
            self.write_units += units

    def add_events_put(self, count: int) -> None:
        with self._lock:
            self.events_put += count

    def take(self, operation: str) -> str | None:
        """Count the call; ``before`` or ``after`` if this call is the one to fail."""
        with self._lock:
            self.calls[operation] += 1
            armed = self.armed
            if armed is None or armed["fired"] or armed["operation"] != operation:
                return None
            if armed["skip"] > 0:
                armed["skip"] -= 1
                return None
            armed["fired"] = True
            return str(armed["when"])


def operation_of(environ: dict[str, Any]) -> str | None:
    target = environ.get("HTTP_X_AMZ_TARGET")
    if target and "." in target:
        prefix, action = target.split(".", 1)
        return f"{_TARGET_SERVICES.get(prefix, prefix)}:{action}"
    method, path = environ.get("REQUEST_METHOD"), environ.get("PATH_INFO", "")
    authorization = environ.get("HTTP_AUTHORIZATION", "")
    if method == "PUT" and "/s3/" in authorization and path.count("/") >= 2 and not environ.get("QUERY_STRING"):
        return "s3:PutObject"
    if method == "POST" and "/ses/" in authorization:
        length = int(environ.get("CONTENT_LENGTH") or 0)
        body = environ["wsgi.input"].read(length)
        environ["wsgi.input"] = io.BytesIO(body)  # read again by moto
        action = urllib.parse.parse_qs(body.decode(errors="replace")).get("Action", [""])[0]
        return f"ses:{action}" if action else None
    return None


def _error(operation: str, when: str, start_response: Callable[..., Any]) -> list[bytes]:
    message = f"injected fault {when} {operation}"
    if operation.startswith("s3:"):
        body = f"<Error><Code>InjectedFault</Code><Message>{message}</Message></Error>".encode()
        content_type = "application/xml"
    elif operation.startswith("ses:"):
        body = (
            "<ErrorResponse><Error><Type>Sender</Type><Code>InjectedFault</Code>"
            f"<Message>{message}</Message></Error></ErrorResponse>"
        ).encode()
        content_type = "text/xml"
    else:
        body = json.dumps({"__type": "InjectedFault", "message": message}).encode()
        content_type = "application/x-amz-json-1.0"
    start_response("400 Bad Request", [("Content-Type", content_type), ("Content-Length", str(len(body)))])
    return [body]


def with_faults(app: WsgiApp, plan: FaultPlan) -> WsgiApp:
    def faults_app(environ: dict[str, Any], start_response: Callable[..., Any]) -> Iterable[bytes]:
        if environ.get("PATH_INFO") == PATH:
            return _control(plan, environ, start_response)
        operation = operation_of(environ)
        if operation is not None and operation.startswith("dynamodb:") and operation[9:] in DYNAMODB_WRITES:
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)  # read again by moto
            plan.add_write_units(write_units(operation[9:], json.loads(body or b"{}")))
        elif operation == "events:PutEvents":
            length = int(environ.get("CONTENT_LENGTH") or 0)
            body = environ["wsgi.input"].read(length)
            environ["wsgi.input"] = io.BytesIO(body)  # read again by moto
            plan.add_events_put(len(json.loads(body or b"{}").get("Entries", [])))
        when = plan.take(operation) if operation else None
        if when == "before":
            return _error(str(operation), when, start_response)
        if when == "after":
            answered: list[Any] = []
            body = b"".join(app(environ, lambda *args: answered.append(args)))  # applied, answer dropped
            del body
            return _error(str(operation), when, start_response)
        return app(environ, start_response)

    return faults_app


def _control(plan: FaultPlan, environ: dict[str, Any], start_response: Callable[..., Any]) -> list[bytes]:
    method = environ["REQUEST_METHOD"]
    status = "200 OK"
    if method == "POST":
        length = int(environ.get("CONTENT_LENGTH") or 0)
        try:
            asked = json.loads(environ["wsgi.input"].read(length))
            plan.arm(str(asked["operation"]), str(asked.get("when", "after")), int(asked.get("skip", 0)))
        except (ValueError, KeyError, TypeError) as error:
            status, payload = "400 Bad Request", json.dumps({"message": str(error)}).encode()
            start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
            return [payload]
    elif method == "DELETE":
        plan.disarm()
    payload = json.dumps(plan.state()).encode()
    start_response(status, [("Content-Type", "application/json"), ("Content-Length", str(len(payload)))])
    return [payload]
