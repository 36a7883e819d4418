"""`make run`'s state across a restart, with BILLING_STATE_DIR naming a folder: moto's services, pickled
from its in-process backends (``aws.pickle``), localstripe's store (``stripe.pickle``, saved by the Stripe
emulator itself) and the backend's clock (``clock.json``).

A snapshot is taken after each step of a clock advance (each scheduled run drained), every few seconds
under `make run` while something changed, and at a clean stop. A backend killed mid-advance restarts
from its last snapshot and the advance is asked again: the steps since then run again, and their work
is idempotent (the billing run, the worker, the charge keyed by invoice and attempt), so nothing is done
twice. Not for LocalStack (its persistence is its own).
"""

from __future__ import annotations

import copyreg
import json
import logging
import os
import pickle
import threading
import urllib.request
from datetime import datetime
from pathlib import Path

from billing.clock import Clock

AWS_SERVICES = ("dynamodb", "sqs", "s3", "events", "ses", "secretsmanager")
_Lock = type(threading.Lock())
_RLock = type(threading.RLock())
log = logging.getLogger("local.persistence")

# moto's SQS queues hold locks: pickled as new, free locks (nothing holds one across a snapshot).
copyreg.pickle(_RLock, lambda _: (threading.RLock, ()))
copyreg.pickle(_Lock, lambda _: (threading.Lock, ()))


class StateDir:
    def __init__(self, path: str | os.PathLike[str], stripe_endpoint: str) -> None:
        self.path = Path(path)
        self.path.mkdir(parents=True, exist_ok=True)
        self.stripe_endpoint = stripe_endpoint
        self._lock = threading.Lock()

    @property
    def stripe_file(self) -> Path:
        return self.path / "stripe.pickle"

    def restore(self, clock: Clock | None = None) -> bool:
        """Load moto's saved services into this process's moto (before anything is provisioned); move the
        clock to the saved instant. False if there was nothing saved."""
        saved = self.path / "aws.pickle"
        if not saved.exists():
            return False
        from moto.backends import get_backend

        with saved.open("rb") as read:
            services = pickle.load(read)  # noqa: S301 - our own file
        for name, accounts in services.items():
            backend = get_backend(name)
            for account_id, regions in accounts.items():
                dict.__setitem__(backend, account_id, regions)
        return True

    def saved_now(self) -> datetime | None:
        clock_file = self.path / "clock.json"
        if not clock_file.exists():
            return None
        return datetime.fromisoformat(json.loads(clock_file.read_text())["now"])

    def snapshot(self, now: datetime) -> None:
        """Save every emulator's state and the clock, each file replaced whole."""
        from moto.backends import get_backend

        from local.emulators import MOTO_LOCK

        with self._lock:
            for attempt in range(5):
                try:
                    with MOTO_LOCK:  # no DynamoDB request while the tables are copied
                        data = pickle.dumps(
                            {name: dict(get_backend(name)) for name in AWS_SERVICES},  # type: ignore[call-overload]
                            protocol=pickle.HIGHEST_PROTOCOL,
                        )
                    break
                except RuntimeError:  # another service changed a dict under the copy: take it again
                    if attempt == 4:
                        raise
            _replace(self.path / "aws.pickle", data)
            _replace(self.path / "clock.json", json.dumps({"now": now.isoformat()}).encode())
            url = f"{self.stripe_endpoint}/_config/snapshot"
            request = urllib.request.Request(url, data=b"", method="POST")  # noqa: S310 - loopback emulator
            with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310 - loopback emulator
                answer.read()
        log.info("state saved at %s", now.isoformat())


def _replace(target: Path, data: bytes) -> None:
    written = target.with_suffix(target.suffix + ".tmp")
    written.write_bytes(data)
    os.replace(written, target)
