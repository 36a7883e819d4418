"""One more warm container of a function, in a process of its own, for the local gateway's concurrency.

Lambda runs concurrent requests in separate containers, each with its own copy of the handler module and
its module-level state (Powertools' resolver and routers hold the current request). Threads in one
interpreter would share that state, so each extra container is a process: it loads the handler once, then
answers invocations read from stdin, one JSON line each, with one JSON line on the protocol pipe.

An invocation carries the backend clock's offset from real time (local mode moves time forward), so a
container reads the same time as the process that started it.
"""

from __future__ import annotations

import json
import os
import sys
import tempfile
import time
import traceback
import uuid
from datetime import UTC, datetime, timedelta

from billing.clock import install_clock


class OffsetClock:
    """Real time plus the offset the parent's clock had when it sent the invocation."""

    def __init__(self, offset_s: float) -> None:
        self._offset = timedelta(seconds=offset_s)

    def now(self) -> datetime:
        return (datetime.now(UTC) + self._offset).replace(microsecond=0)


def main(function_name: str) -> None:
    # The protocol keeps the original stdout. What the handler prints (logs, EMF metrics) goes to a file and
    # travels back with each answer, to be printed by the process that invoked it: a test's output, or make
    # run's, as CloudWatch keeps an invocation's lines with it.
    protocol = os.fdopen(os.dup(sys.stdout.fileno()), "w", buffering=1)
    printed = tempfile.TemporaryFile()  # noqa: SIM115 - open for the life of the process
    os.dup2(printed.fileno(), sys.stdout.fileno())
    os.dup2(printed.fileno(), sys.stderr.fileno())
    from local.gateway import LambdaContext, LocalFunction

    function = LocalFunction(function_name)
    protocol.write(json.dumps({"ready": True}) + "\n")
    for line in sys.stdin:
        request = json.loads(line)
        install_clock(OffsetClock(request["clock_offset_s"]))
        context = LambdaContext(
            function_name=f"billing-local-{function_name}",
            aws_request_id=str(uuid.uuid4()),
            memory_limit_in_mb=function.memory_mb,
            deadline=time.monotonic() + function.timeout_s,
        )
        try:
            answer = {"result": function.handler(request["event"], context)}
        except Exception as error:
            traceback.print_exc()  # the function's log, as CloudWatch would keep it
            answer = {"error": str(error), "type": type(error).__name__}
        sys.stdout.flush()
        sys.stderr.flush()
        printed.seek(0)
        answer["printed"] = printed.read().decode(errors="replace")
        printed.seek(0)
        printed.truncate()
        protocol.write(json.dumps(answer, default=str) + "\n")


if __name__ == "__main__":
    main(sys.argv[1])
