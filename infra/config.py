"""Typed stage configuration: what differs between dev and prod, validated before synthesis."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field


class StageConfig(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    stage: str = Field(pattern=r"^[a-z][a-z0-9-]{1,20}$")
    account: str | None = None
    region: str = "eu-west-3"
    cors_origins: tuple[str, ...] = ()
    # API Gateway stage throttling (steady rate per second, burst)
    throttle_rate: int = 100
    throttle_burst: int = 200
    log_retention_days: int = 365
    # Production data is retained when the stack is deleted; a dev stage may be thrown away whole.
    retain_data: bool = True


STAGES = {
    "dev": StageConfig(stage="dev", cors_origins=("http://localhost:5173",), retain_data=False),
    "prod": StageConfig(stage="prod"),
}
