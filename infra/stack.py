"""One stack per stage, composed of one construct per capability."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.api import Functions, RestApi
from infra.config import StageConfig
from infra.storage import Storage


class BillingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, config: StageConfig, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.storage = Storage(self, "Storage", config)
        self.functions = Functions(self, "Functions", config, self.storage)
        self.rest_api = RestApi(self, "RestApi", config, self.functions)
        CfnOutput(self, "ApiUrl", value=self.rest_api.api.url)
        CfnOutput(self, "MainTableName", value=self.storage.tables["Main"].table_name)
