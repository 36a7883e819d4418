"""Health and the OpenAPI document: the only routes without an API key."""

from __future__ import annotations

from typing import Any

from aws_lambda_powertools.event_handler.api_gateway import Router

from billing.http.views import Health

router = Router()


@router.get("/v1/health", tags=["System"])
def health() -> Health:
    """Liveness: answers without touching storage, so it costs nothing to poll."""
    return Health()


def register_openapi(app: Any) -> None:
    @app.get("/v1/openapi.json", include_in_schema=False)
    def openapi() -> dict[str, Any]:
        return dict(app.get_openapi_schema().model_dump(mode="json", by_alias=True, exclude_none=True))
