"""Clients of AWS services, made by botocore itself rather than through boto3.

boto3's ``client()`` is a thin wrapper over a botocore session, but importing boto3 loads s3transfer and
with it a dozen modules none of our functions calls: 15 ms or more of every cold start. One session per
process, PynamoDB's included, so credentials, endpoint rules and models are loaded once; clients made under a
lock, since a botocore session is not thread-safe (its clients are).

Every client of the session, PynamoDB's included, sends a fixed User-Agent (``Config.user_agent``): botocore
otherwise builds its structured one twice a request, from a dozen parts sanitized character by character,
a tenth of the client's CPU on each AWS call (measured on GetItem). What AWS loses is the SDK's feature
metrics in that header; requests and their signatures are the same.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from functools import cache
from typing import Any, TypeVar

import botocore
import botocore.session
from botocore.config import Config

_lock = threading.Lock()
T = TypeVar("T")


USER_AGENT = f"billing-backend botocore/{botocore.__version__}"


@cache
def _session() -> botocore.session.Session:
    session = botocore.session.get_session()
    session.set_default_client_config(Config(user_agent=USER_AGENT))
    return session


def aws_client(service: str, region_name: str | None = None) -> Any:
    return with_process_session(lambda session: session.create_client(service, region_name=region_name))


def with_process_session(build: Callable[[botocore.session.Session], T]) -> T:
    """``build`` given the process's session, under its lock: for a library that makes its own clients."""
    with _lock:
        return build(_session())
