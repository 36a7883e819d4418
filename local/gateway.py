"""A local API Gateway (REST API, proxy integration) in front of the real Lambda handlers.

It does what API Gateway does for our stack: match the declared routes, call the REQUEST authorizer with
the same event API Gateway sends, apply its policy, pass the authorizer context on, build the proxy event,
and turn gateway refusals into the declared problem+json answers. Each function answers one request at a
time per container, as on Lambda: its first container runs in this process; requests arriving while every
container is busy get another one, in a process of its own (local/lambda_container.py), up to the backend's
concurrency.
"""

from __future__ import annotations

import base64
import fnmatch
import importlib.util
import json
import logging
import os
import re
import subprocess
import sys
import threading
import time
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

from billing.clock import RuntimeClock, SystemClock
from billing.errors import problem_document
from infra.manifest import AUTHORIZER, FUNCTIONS, GATEWAY_PROBLEMS, ROUTES, Route

ROOT = Path(__file__).resolve().parent.parent
ACCOUNT = "123456789012"
API_ID = "local"
STAGE = "local"
REGION = "eu-west-3"
# API Gateway's hard limit on a request payload.
MAX_PAYLOAD_BYTES = 10 * 1024 * 1024

Handler = Callable[[dict[str, Any], Any], Any]


@dataclass
class LambdaContext:
    """What the Lambda runtime hands a handler, enough for Powertools."""

    function_name: str
    aws_request_id: str
    memory_limit_in_mb: int
    deadline: float

    @property
    def invoked_function_arn(self) -> str:
        return f"arn:aws:lambda:{REGION}:{ACCOUNT}:function:{self.function_name}"

    @property
    def function_version(self) -> str:
        return "$LATEST"

    @property
    def log_group_name(self) -> str:
        return f"/aws/lambda/{self.function_name}"

    @property
    def log_stream_name(self) -> str:
        return "local"

    def get_remaining_time_in_millis(self) -> int:
        return max(0, int((self.deadline - time.monotonic()) * 1000))


class LocalFunction:
    """One deployed function's container in this process: its handler module loaded from
    functions/<name>/handler.py."""

    def __init__(self, name: str) -> None:
        declared = next(f for f in FUNCTIONS if f.name == name)
        self.name = name
        self.memory_mb = declared.memory_mb
        self.timeout_s = declared.timeout_s
        path = ROOT / declared.source_dir / "handler.py"
        spec = importlib.util.spec_from_file_location(f"lambda_{name}_handler", path)
        if spec is None or spec.loader is None:
            raise RuntimeError(f"cannot load {path}")
        module = importlib.util.module_from_spec(spec)
        spec.loader.exec_module(module)
        self.handler: Handler = module.handler

    def invoke(self, event: dict[str, Any]) -> Any:
        context = LambdaContext(
            function_name=f"billing-local-{self.name}",
            aws_request_id=str(uuid.uuid4()),
            memory_limit_in_mb=self.memory_mb,
            deadline=time.monotonic() + self.timeout_s,
        )
        return self.handler(event, context)


class ContainerProcess:
    """Another container of a function: a process of its own, its handler loaded once (a cold start)."""

    def __init__(self, name: str) -> None:
        self.name = name
        self._process = subprocess.Popen(
            [sys.executable, "-m", "local.lambda_container", name],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            cwd=ROOT,
            env=os.environ | {"PYTHONPATH": os.pathsep.join(filter(None, [str(ROOT), os.environ.get("PYTHONPATH")]))},
            text=True,
        )
        if not self._read():  # its "ready" line, once the handler module is loaded
            raise RuntimeError(f"a container of {name} did not start")

    def invoke(self, event: dict[str, Any]) -> Any:
        # The backend's clock may run ahead of real time (POST /_local/clock): the container reads it too.
        offset = (RuntimeClock().now() - SystemClock().now()).total_seconds()
        assert self._process.stdin is not None
        self._process.stdin.write(json.dumps({"event": event, "clock_offset_s": offset}) + "\n")
        self._process.stdin.flush()
        answer = self._read()
        if answer is None:
            raise RuntimeError(f"a container of {self.name} stopped")
        if answer.get("printed"):
            sys.stdout.write(answer["printed"])
        if "error" in answer:
            raise RuntimeError(answer["error"])  # the authorizer's "Unauthorized" reads as it was raised
        return answer["result"]

    def _read(self) -> dict[str, Any] | None:
        assert self._process.stdout is not None
        line = self._process.stdout.readline()
        return json.loads(line) if line else None

    @property
    def alive(self) -> bool:
        return self._process.poll() is None

    def terminate(self) -> None:
        """Stop at once (a container keeps nothing worth finishing); ``wait`` after."""
        self._process.terminate()

    def wait(self) -> None:
        try:
            self._process.wait(timeout=2)
        except subprocess.TimeoutExpired:
            self._process.kill()
            self._process.wait()


Container = LocalFunction | ContainerProcess


class FunctionContainers:
    """A function's warm containers, each answering one request at a time: this process's first, then as
    many processes as concurrent requests need, up to ``concurrency`` in all (Lambda's reserved
    concurrency). A request finding every container busy waits for one.

    With more than one container allowed, a queue's function runs in processes only: this process also
    runs moto, and one interpreter runs one thread at a time, so a billing run's finalizations, PDFs and
    emails would otherwise take turns with the emulator answering them instead of using the other cores."""

    def __init__(self, name: str, concurrency: int) -> None:
        self.name = name
        self._limit = max(1, concurrency)
        queue_triggered = bool(next(f for f in FUNCTIONS if f.name == name).triggers)
        self.local = None if queue_triggered and self._limit > 1 else LocalFunction(name)
        self._idle: list[Container] = [self.local] if self.local is not None else []
        self._started: list[ContainerProcess] = []
        self._count = len(self._idle)
        self._changed = threading.Condition()

    def invoke(self, event: dict[str, Any]) -> Any:
        container = self._take()
        try:
            return container.invoke(event)
        finally:
            self._give_back(container)

    @property
    def containers(self) -> int:
        return self._count

    def _take(self) -> Container:
        with self._changed:
            while not self._idle and self._count >= self._limit:
                self._changed.wait()
            if self._idle:
                return self._idle.pop(0)
            self._count += 1
        try:
            started = ContainerProcess(self.name)  # outside the lock: a cold start must not hold others up
        except BaseException:
            with self._changed:
                self._count -= 1
                self._changed.notify()
            raise
        with self._changed:
            self._started.append(started)
        return started

    def _give_back(self, container: Container) -> None:
        with self._changed:
            if isinstance(container, ContainerProcess) and not container.alive:
                self._count -= 1  # a crashed container is replaced on demand, as Lambda does
                self._started.remove(container)
            elif container is self.local:
                self._idle.insert(0, container)  # the cheapest container is the first one tried
            else:
                self._idle.append(container)
            self._changed.notify()

    def terminate(self) -> list[ContainerProcess]:
        with self._changed:
            started, self._started = self._started, []
        for container in started:
            container.terminate()
        return started


@dataclass(frozen=True)
class Match:
    route: Route
    path_parameters: dict[str, str]


def _compile(path: str) -> re.Pattern[str]:
    pattern = re.sub(r"\\\{(\w+)\\\}", r"(?P<\1>[^/]+)", re.escape(path))
    return re.compile(f"^{pattern}$")


class Functions(dict[str, FunctionContainers]):
    """Every declared function, its handler module loaded on first use (like a cold start).

    Loaded once under a lock: two first requests at once would otherwise load two copies of a handler in
    this process, running concurrently on the routers they share (whose request context one clears under
    the other: a KeyError answered 500)."""

    def __init__(self, concurrency: int = 1) -> None:
        super().__init__()
        self.concurrency = concurrency
        self._loading = threading.Lock()

    def __missing__(self, name: str) -> FunctionContainers:
        with self._loading:
            if name not in self:  # another thread loaded it while this one waited
                super().__setitem__(name, FunctionContainers(name, self.concurrency))
            return super().__getitem__(name)

    def stop(self) -> None:
        """Every container process told to stop first, then waited for: a stop takes one wait, not one each."""
        stopping = [container for containers in list(self.values()) for container in containers.terminate()]
        for container in stopping:
            container.wait()


LocalRoute = Callable[[dict[str, list[str]], bytes], tuple[int, dict[str, str], bytes]]  # (query, body)


class Gateway:
    def __init__(self, routes: tuple[Route, ...] = ROUTES, concurrency: int = 1) -> None:
        self.routes = routes
        self._patterns = [(route, _compile(route.path)) for route in routes]
        self.functions = Functions(concurrency)
        # Local-only routes (the clock): never in the manifest, so never in the deployed API.
        self.local_routes: dict[tuple[str, str], LocalRoute] = {}
        # Local-only files under a path prefix (the billing portal's bundle): path → (status, headers, body).
        self.file_routes: dict[str, Callable[[str], tuple[int, dict[str, str], bytes]]] = {}

    def match(self, method: str, path: str) -> Match | None:
        for route, pattern in self._patterns:
            found = pattern.match(path)
            if found and route.method == method:
                return Match(route, found.groupdict())
        return None

    def handle(
        self, method: str, raw_path: str, headers: dict[str, str], body: bytes, source_ip: str
    ) -> tuple[int, dict[str, str], bytes]:
        url = urlsplit(raw_path)
        if len(body) > MAX_PAYLOAD_BYTES:
            return self.gateway_problem("REQUEST_TOO_LARGE")
        local = self.local_routes.get((method, url.path))
        if local is not None:
            return local(parse_qs(url.query), body)
        if method == "GET":
            for prefix, serve_file in self.file_routes.items():
                if url.path.startswith(prefix):
                    return serve_file(url.path)
        found = self.match(method, url.path)
        if found is None:
            return self.gateway_problem("MISSING_AUTHENTICATION_TOKEN")
        request_id = str(uuid.uuid4())
        query = parse_qs(url.query, keep_blank_values=True)
        request_context = {
            "accountId": ACCOUNT,
            "apiId": API_ID,
            "stage": STAGE,
            "requestId": request_id,
            "extendedRequestId": request_id,
            "resourcePath": found.route.path,
            "resourceId": "local",
            "httpMethod": method,
            "path": f"/{STAGE}{url.path}",
            "protocol": "HTTP/1.1",
            "requestTimeEpoch": int(time.time() * 1000),
            "domainName": headers.get("Host", "127.0.0.1"),
            "identity": {"sourceIp": source_ip, "userAgent": headers.get("User-Agent")},
        }
        common = {
            "resource": found.route.path,
            "path": url.path,
            "httpMethod": method,
            "headers": dict(headers) or None,
            "multiValueHeaders": {k: [v] for k, v in headers.items()} or None,
            "queryStringParameters": {k: v[-1] for k, v in query.items()} or None,
            "multiValueQueryStringParameters": query or None,
            "pathParameters": found.path_parameters or None,
            "stageVariables": None,
        }
        if found.route.authorized:
            verdict = self._authorize(method, url.path, common, request_context)
            if isinstance(verdict, tuple):
                return verdict
            request_context["authorizer"] = verdict
        try:
            text, is_base64 = body.decode(), False
        except UnicodeDecodeError:
            text, is_base64 = base64.b64encode(body).decode(), True
        event = common | {
            "requestContext": request_context,
            "body": text if body else None,
            "isBase64Encoded": is_base64,
        }
        try:
            response = self.functions[found.route.function].invoke(event)
        except Exception:
            # A crashed Lambda: API Gateway answers 502 and the traceback goes to the function's log.
            logging.getLogger(__name__).exception("function %s crashed", found.route.function)
            return 502, {"Content-Type": "application/json"}, b'{"message": "Internal server error"}'
        return _proxy_response(response)

    def _authorize(
        self, method: str, path: str, common: dict[str, Any], request_context: dict[str, Any]
    ) -> dict[str, Any] | tuple[int, dict[str, str], bytes]:
        headers = {k.lower(): v for k, v in (common["headers"] or {}).items()}
        # Identity source method.request.header.Authorization: absent, API Gateway refuses by itself.
        if not headers.get("authorization"):
            return self.gateway_problem("UNAUTHORIZED")
        method_arn = f"arn:aws:execute-api:{REGION}:{ACCOUNT}:{API_ID}/{STAGE}/{method}{path}"
        event = common | {"type": "REQUEST", "methodArn": method_arn, "requestContext": request_context}
        try:
            result = self.functions[AUTHORIZER].invoke(event)
        except Exception as error:
            if str(error) == "Unauthorized":
                return self.gateway_problem("UNAUTHORIZED")
            raise
        if not _allows(result.get("policyDocument") or {}, method_arn):
            return self.gateway_problem("ACCESS_DENIED")
        return dict(result.get("context") or {}) | {"principalId": result["principalId"]}

    @staticmethod
    def gateway_problem(kind: str) -> tuple[int, dict[str, str], bytes]:
        problem = GATEWAY_PROBLEMS[kind]
        body = problem_document(problem.status, problem.code, problem.detail)
        return problem.status, {"Content-Type": "application/problem+json"}, json.dumps(body).encode()


def _allows(policy: dict[str, Any], method_arn: str) -> bool:
    allowed = False
    for statement in policy.get("Statement", []):
        resources = statement.get("Resource", [])
        resources = [resources] if isinstance(resources, str) else resources
        if any(fnmatch.fnmatchcase(method_arn, pattern) for pattern in resources):
            if statement.get("Effect") == "Deny":
                return False
            allowed = allowed or statement.get("Effect") == "Allow"
    return allowed


def _proxy_response(response: dict[str, Any]) -> tuple[int, dict[str, str], bytes]:
    headers = {k: str(v) for k, v in (response.get("headers") or {}).items()}
    for name, values in (response.get("multiValueHeaders") or {}).items():
        headers[name] = ", ".join(str(v) for v in values)
    body = response.get("body") or ""
    raw = base64.b64decode(body) if response.get("isBase64Encoded") else body.encode()
    return int(response["statusCode"]), headers, raw


def serve(gateway: Gateway, host: str, port: int) -> ThreadingHTTPServer:
    """Bind the gateway to host:port; the caller runs ``serve_forever``."""

    class RequestHandler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        # Headers and body leave in two writes: with Nagle's algorithm on, a keep-alive client's delayed ACK
        # held the body back ~40 ms per request (measured from Chromium).
        disable_nagle_algorithm = True

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length) if length else b""
            headers = {k: v for k, v in self.headers.items()}
            status, out_headers, payload = gateway.handle(
                self.command, self.path, headers, body, self.client_address[0]
            )
            self.send_response(status)
            for name, value in out_headers.items():
                self.send_header(name, value)
            self.send_header("Content-Length", str(len(payload)))
            self.end_headers()
            self.wfile.write(payload)

        do_GET = do_POST = do_PATCH = do_DELETE = do_PUT = do_OPTIONS = _any

        def log_message(self, format: str, *args: Any) -> None:
            pass

    class Server(ThreadingHTTPServer):
        # socketserver's default backlog of 5 reset the connections of a burst of 20 concurrent clients.
        request_queue_size = 128
        daemon_threads = True

    return Server((host, port), RequestHandler)
