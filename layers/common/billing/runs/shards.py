"""How many partitions the DUE index and the outbox are spread over (infra/manifest.py says why)."""

import zlib

DUE_SHARDS = 8


def shard_of(object_id: str) -> int:
    """The partition an object (or an event) lives in: stable across processes, unlike ``hash``."""
    return zlib.crc32(object_id.encode()) % DUE_SHARDS
