"""Clients of AWS services, made by botocore itself rather than through boto3.

boto3's ``client()`` is a thin wrapper over a botocore session, but importing boto3 loads s3transfer and
with it a dozen modules none of our functions calls: 15 ms or more of every cold start. One session per
process, PynamoDB's included, so credentials, endpoint rules and models are loaded once; clients made under a
lock, since a botocore session is not thread-safe (its clients are).
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import botocore.session

_lock = threading.Lock()
T = TypeVar("T")


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def aws_client(service: str, region_name: str | None = None) -> Any:
    return with_process_session(lambda session: session.create_client(service, region_name=region_name))


def with_process_session(build: Callable[[botocore.session.Session], T]) -> T:
    """``build`` given the process's session, under its lock: for a library that makes its own clients."""
    with _lock:
        return build(_session())
