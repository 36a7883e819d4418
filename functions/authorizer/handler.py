"""Lambda REQUEST authorizer: API key or portal session in, IAM policy and caller context out."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

from aws_lambda_powertools.utilities.typing import LambdaContext

from billing.accounts.caller_context import authorizer_context
from billing.errors import AuthenticationError
from billing.observability import logger

if TYPE_CHECKING:
    from collections.abc import Callable

    from billing.accounts.access import Principal


@cache
def compose() -> Callable[[str | None], Principal]:
    # Built on the first invocation, not at import (billing/composition.py says how, for every function).
    from billing import composition

    return composition.authorizer()


# The event and the policy are read and built by hand, not with Powertools' authorizer data classes:
# importing that package loads every event class (+60 ms of cold start here), on the one function
# each API cold request waits for.
@logger.inject_lambda_context
def handler(event: dict[str, Any], context: LambdaContext) -> dict[str, Any]:
    headers = {name.lower(): value for name, value in (event.get("headers") or {}).items()}
    try:
        principal = compose()(headers.get("authorization"))
    except AuthenticationError as error:
        logger.info("refused", extra={"code": error.code})
        # The exact message API Gateway turns into a 401 (our UNAUTHORIZED gateway response).
        raise Exception("Unauthorized") from error
    # Allow the whole API for this key: routes check object access themselves, and the policy stays
    # valid whatever route a cached answer is reused for.
    arn_parts = event["methodArn"].split("/", 2)
    resource = f"{arn_parts[0]}/{arn_parts[1]}/*"
    return {
        "principalId": principal.key_id,
        "policyDocument": {
            "Version": "2012-10-17",
            "Statement": [{"Action": "execute-api:Invoke", "Effect": "Allow", "Resource": resource}],
        },
        "context": authorizer_context(principal),
    }
