"""One stack per stage, composed of one construct per capability."""

from __future__ import annotations

from aws_cdk import CfnOutput, Stack
from constructs import Construct

from infra.api import Functions, RestApi
from infra.config import StageConfig
from infra.documents import Documents
from infra.messaging import Messaging
from infra.portal import Portal
from infra.storage import Storage


class BillingStack(Stack):
    def __init__(self, scope: Construct, construct_id: str, config: StageConfig, **kwargs: object) -> None:
        super().__init__(scope, construct_id, **kwargs)  # type: ignore[arg-type]
        self.storage = Storage(self, "Storage", config)
        self.messaging = Messaging(self, "Messaging", config)
        self.documents = Documents(self, "Documents", config, self.storage)
        self.portal = Portal(self, "Portal", config)
        self.functions = Functions(self, "Functions", config, self.storage, self.messaging, self.documents, self.portal)
        self.messaging.schedule(self.functions.by_name)
        self.rest_api = RestApi(self, "RestApi", config, self.functions, self.portal.origin)
        self.portal.deploy(config, self.rest_api.api.url)
        CfnOutput(self, "ApiUrl", value=self.rest_api.api.url)
        CfnOutput(self, "MainTableName", value=self.storage.tables["Main"].table_name)
        CfnOutput(self, "PortalUrl", value=self.portal.url)
