"""CDK app: ``make synth`` (or ``cdk synth`` through cdk.json) writes cdk.out/ with no Docker."""

from __future__ import annotations

import json
import os

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
# Node 20 is end-of-life for jsii 1.142 but works; it is the Node these machines have.
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")

from aws_cdk import App, Aspects, Environment
from cdk_nag import AwsSolutionsChecks

from infra.config import STAGES, with_seller
from infra.stack import BillingStack


def build_app(app: App | None = None) -> tuple[App, BillingStack]:
    app = app or App(outdir="cdk.out")
    stage = str(app.node.try_get_context("stage") or "dev")
    seller = app.node.try_get_context("seller")
    config = with_seller(STAGES[stage], seller if isinstance(seller, str) or seller is None else json.dumps(seller))
    stack = BillingStack(
        app,
        f"Billing-{config.stage}",
        config,
        env=Environment(account=config.account, region=config.region),
        description="Serverless billing backend",
    )
    Aspects.of(app).add(AwsSolutionsChecks(verbose=True))
    return app, stack


if __name__ == "__main__":
    built, _ = build_app()
    built.synth()
