"""How many partitions the DUE index and the outbox are spread over (infra/manifest.py says why)."""

DUE_SHARDS = 8
