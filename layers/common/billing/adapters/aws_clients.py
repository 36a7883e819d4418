"""Clients of AWS services, made by botocore itself rather than through boto3.

boto3's ``client()`` is a thin wrapper over a botocore session, but importing boto3 loads s3transfer and
with it a dozen modules none of our functions calls: 15 ms or more of every cold start. One session per
process, so credentials and endpoint rules are resolved once; made under a lock, since a botocore session
is not thread-safe (its clients are).
"""

from __future__ import annotations

import threading
from functools import cache
from typing import Any

import botocore.session

_lock = threading.Lock()


@cache
def _session() -> botocore.session.Session:
    return botocore.session.get_session()


def aws_client(service: str, region_name: str | None = None) -> Any:
    with _lock:
        return _session().create_client(service, region_name=region_name)
