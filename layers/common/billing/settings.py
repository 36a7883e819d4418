"""Typed settings per function, read from the environment once, on first invocation."""

from __future__ import annotations

import os
from collections.abc import Mapping

from pydantic import BaseModel, ConfigDict, Field


class TableSettings(BaseModel):
    model_config = ConfigDict(frozen=True)

    table_name: str = Field(min_length=3)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> TableSettings:
        env = os.environ if env is None else env
        return cls(table_name=env.get("BILLING_TABLE", ""))


class ApiSettings(TableSettings):
    idempotency_table_name: str = Field(min_length=3)
    cors_origins: tuple[str, ...] = ()
    # Big enough for a 1,000-event usage batch, small enough to refuse abuse before parsing.
    max_body_bytes: int = Field(default=262_144, gt=0)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> ApiSettings:
        env = os.environ if env is None else env
        origins = tuple(o.strip() for o in env.get("BILLING_CORS_ORIGINS", "").split(",") if o.strip())
        return cls(
            table_name=env.get("BILLING_TABLE", ""),
            idempotency_table_name=env.get("BILLING_IDEMPOTENCY_TABLE", ""),
            cors_origins=origins,
            max_body_bytes=int(env.get("BILLING_MAX_BODY_BYTES", "262144")),
        )
