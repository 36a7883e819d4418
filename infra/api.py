"""Functions, the shared layer and the REST API with its REQUEST authorizer, all from the manifest."""

from __future__ import annotations

import json

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_apigateway as apigw
from aws_cdk import aws_iam as iam
from aws_cdk import aws_lambda as lambda_
from aws_cdk import aws_lambda_event_sources as event_sources
from aws_cdk import aws_logs as logs
from aws_cdk import aws_secretsmanager as secretsmanager
from cdk_nag import NagPackSuppression, NagSuppressions, RegexAppliesTo
from constructs import Construct

from billing.errors import problem_document
from infra.config import StageConfig
from infra.documents import Documents
from infra.manifest import AUTHORIZER, FUNCTIONS, GATEWAY_PROBLEMS, ROUTES
from infra.messaging import Messaging
from infra.packaging import LAMBDA_WHEELS, function_code, layer_code
from infra.portal import Portal
from infra.storage import Storage

RUNTIME = lambda_.Runtime.PYTHON_3_13
KMS_FOR_TABLES = ("kms:Decrypt", "kms:DescribeKey", "kms:Encrypt", "kms:GenerateDataKey")


class Functions(Construct):
    """One arm64 python3.13 function per manifest entry, sharing one layer with ``billing``."""

    def __init__(
        self,
        scope: Construct,
        construct_id: str,
        config: StageConfig,
        storage: Storage,
        messaging: Messaging,
        documents: Documents,
        portal: Portal,
    ) -> None:
        super().__init__(scope, construct_id)
        self.layer = lambda_.LayerVersion(
            self,
            "BillingLayer",
            # The wheels' CPU is Lambda's (arm64) unless a test asks for its own (tests/infra).
            code=layer_code(str(self.node.try_get_context("layer_wheels") or LAMBDA_WHEELS)),
            compatible_runtimes=[RUNTIME],
            compatible_architectures=[lambda_.Architecture.ARM_64],
            description="billing package and its pinned dependencies",
        )
        # Stripe's secret key and webhook signing secret, as JSON {"api_key", "webhook_secret"}: set after
        # deployment (Stripe's dashboard issues them), read by the functions that talk to Stripe.
        self.stripe_keys = secretsmanager.Secret(
            self,
            "StripeKeys",
            description="Stripe keys: {api_key, webhook_secret}",
            encryption_key=storage.key,
        )
        NagSuppressions.add_resource_suppressions(
            self.stripe_keys,
            [
                NagPackSuppression(
                    id="AwsSolutions-SMG4",
                    reason="Stripe keys are rolled in Stripe's dashboard, then stored here; Lambda cannot rotate them.",
                )
            ],
        )
        self.by_name: dict[str, lambda_.Function] = {}
        for declared in FUNCTIONS:
            log_group = logs.LogGroup(
                self,
                f"{declared.name}Logs",
                retention=logs.RetentionDays(config.log_retention_days)
                if config.log_retention_days in {r.value for r in logs.RetentionDays}
                else logs.RetentionDays.ONE_YEAR,
                removal_policy=RemovalPolicy.DESTROY,
            )
            environment = {
                "POWERTOOLS_SERVICE_NAME": f"billing-{declared.name}",
                "POWERTOOLS_METRICS_NAMESPACE": "Billing",
            } | {variable: storage.tables[table_id].table_name for variable, table_id in declared.tables.items()}
            if declared.name == "api":
                # The portal's origin, and the stage's own front ends: nobody else's page may call the API.
                environment["BILLING_CORS_ORIGINS"] = ",".join([portal.origin, *config.cors_origins])
                environment["BILLING_MARKETPLACE_LANDING_URL"] = config.marketplace_landing_url
                environment["BILLING_PORTAL_URL"] = portal.url
            environment |= {var: messaging.queues[q].queue_url for var, q in declared.queues.items()}
            environment |= {var: documents.bucket.bucket_name for var in declared.buckets}
            if declared.publishes_events:
                environment["BILLING_EVENT_BUS"] = messaging.bus.event_bus_name
            if declared.uses_stripe:
                environment["BILLING_STRIPE_SECRET"] = self.stripe_keys.secret_arn
            if declared.sends_email:
                environment["BILLING_EMAIL_SENDER"] = config.email_sender
                assert config.seller is not None  # infra/config.py:with_seller gave it one
                environment["BILLING_SELLER"] = config.seller.model_dump_json()
                environment["BILLING_DOCUMENT_LOCK_MODE"] = config.document_lock or ""
            function = lambda_.Function(
                self,
                declared.name,
                description=declared.description,
                runtime=RUNTIME,
                architecture=lambda_.Architecture.ARM_64,
                handler="handler.handler",
                code=function_code(declared.source_dir),
                layers=[self.layer],
                memory_size=declared.memory_mb,
                timeout=Duration.seconds(declared.timeout_s),
                tracing=lambda_.Tracing.ACTIVE,
                log_group=log_group,
                environment=environment,
            )
            for table_id, actions in declared.table_actions.items():
                storage.tables[table_id].grant(function, *actions)
            storage.key.grant(function, *KMS_FOR_TABLES)
            for queue_id in declared.queues.values():
                messaging.queues[queue_id].grant_send_messages(function)
            if declared.buckets:
                function.add_to_role_policy(
                    iam.PolicyStatement(
                        # PutObjectRetention: documents are put with their retain-until date (Object Lock).
                        actions=["s3:GetObject", "s3:PutObject"]
                        + (["s3:PutObjectRetention"] if declared.sends_email and config.document_lock else []),
                        resources=[documents.bucket.arn_for_objects("*")],
                    )
                )
            if declared.publishes_events:
                messaging.bus.grant_put_events_to(function)
            if declared.marketplace_actions:
                # Marketplace's actions support no resource-level permission: "*" is the only resource.
                function.add_to_role_policy(
                    iam.PolicyStatement(actions=list(declared.marketplace_actions), resources=["*"])
                )
            if declared.uses_stripe:
                self.stripe_keys.grant_read(function)
            if declared.sends_email:
                function.add_to_role_policy(
                    iam.PolicyStatement(
                        actions=["ses:SendRawEmail"],
                        resources=[
                            Stack.of(self).format_arn(
                                service="ses", resource="identity", resource_name=config.email_sender
                            )
                        ],
                    )
                )
            for trigger in declared.triggers:
                function.add_event_source(
                    event_sources.SqsEventSource(
                        messaging.queues[trigger.queue],
                        batch_size=trigger.batch_size,
                        report_batch_item_failures=True,
                        max_concurrency=trigger.max_concurrency,
                    )
                )
            self.by_name[declared.name] = function
            NagSuppressions.add_resource_suppressions(
                function,
                [
                    NagPackSuppression(
                        id="AwsSolutions-IAM4",
                        reason="AWSLambdaBasicExecutionRole only lets the function write its own logs.",
                    ),
                    NagPackSuppression(
                        id="AwsSolutions-IAM5",
                        reason="X-Ray PutTraceSegments/PutTelemetryRecords accept no resource but '*'.",
                        applies_to=["Resource::*"],
                    ),
                    NagPackSuppression(
                        id="AwsSolutions-IAM5",
                        reason="Objects of the documents bucket: keys are per account and per document.",
                        applies_to=[RegexAppliesTo(regex="/^Resource::<DocumentsBucket.*\\.Arn>\\/\\*$/g")],
                    ),
                    NagPackSuppression(
                        id="AwsSolutions-IAM5",
                        reason="Queries on the table's own secondary indexes: CDK grants them as <table>/index/*.",
                        applies_to=[RegexAppliesTo(regex="/^Resource::<Storage.*Table.*\\.Arn>\\/index\\/\\*$/g")],
                    ),
                    NagPackSuppression(
                        id="AwsSolutions-L1",
                        reason="python3.13 is the runtime the package is built and tested for (docs/decisions.md).",
                    ),
                ],
                apply_to_children=True,
            )


class RestApi(Construct):
    def __init__(
        self, scope: Construct, construct_id: str, config: StageConfig, functions: Functions, portal_origin: str
    ) -> None:
        super().__init__(scope, construct_id)
        origins = [portal_origin, *config.cors_origins]
        access_logs = logs.LogGroup(self, "AccessLogs", retention=logs.RetentionDays.ONE_YEAR)
        self.api = apigw.RestApi(
            self,
            "Api",
            rest_api_name=f"billing-{config.stage}",
            description="Billing REST API",
            endpoint_types=[apigw.EndpointType.REGIONAL],
            cloud_watch_role=True,
            cloud_watch_role_removal_policy=RemovalPolicy.DESTROY,
            deploy_options=apigw.StageOptions(
                stage_name=config.stage,
                tracing_enabled=True,
                metrics_enabled=True,
                logging_level=apigw.MethodLoggingLevel.ERROR,
                data_trace_enabled=False,  # request bodies carry personal data: never log them
                throttling_rate_limit=config.throttle_rate,
                throttling_burst_limit=config.throttle_burst,
                access_log_destination=apigw.LogGroupLogDestination(access_logs),
                access_log_format=apigw.AccessLogFormat.json_with_standard_fields(
                    caller=False,
                    http_method=True,
                    ip=True,
                    protocol=True,
                    request_time=True,
                    resource_path=True,
                    response_length=True,
                    status=True,
                    user=True,
                ),
            ),
            default_cors_preflight_options=apigw.CorsOptions(
                allow_origins=origins,
                allow_headers=["Authorization", "Content-Type", "Idempotency-Key"],
                allow_methods=["GET", "POST", "PATCH", "DELETE"],
                max_age=Duration.minutes(10),
            ),
        )
        validator = self.api.add_request_validator(
            "Validator", validate_request_body=True, validate_request_parameters=True
        )
        # Cache TTL 0: a revoked key stops working on its very next request.
        authorizer = apigw.RequestAuthorizer(
            self,
            "ApiKeyAuthorizer",
            handler=functions.by_name[AUTHORIZER],
            identity_sources=[apigw.IdentitySource.header("Authorization")],
            results_cache_ttl=Duration.seconds(0),
        )
        for kind, problem in GATEWAY_PROBLEMS.items():
            body = problem_document(problem.status, problem.code, problem.detail)
            self.api.add_gateway_response(
                f"Gateway{kind.title().replace('_', '')}",
                type=apigw.ResponseType.of(kind),
                status_code=str(problem.status),
                # The portal reads these refusals too (an ended session's 401): its origin may.
                response_headers={
                    "Content-Type": "'application/problem+json'",
                    "Access-Control-Allow-Origin": f"'{portal_origin}'",
                },
                templates={"application/json": json.dumps(body)},
            )
        integrations = {
            name: apigw.LambdaIntegration(function, proxy=True, allow_test_invoke=False)
            for name, function in functions.by_name.items()
            if name != AUTHORIZER
        }
        for route in ROUTES:
            resource = self.api.root.resource_for_path(route.path)
            method = resource.add_method(
                route.method,
                integrations[route.function],
                authorizer=authorizer if route.authorized else None,
                authorization_type=apigw.AuthorizationType.CUSTOM if route.authorized else apigw.AuthorizationType.NONE,
                request_validator=validator,
            )
            if not route.authorized:
                NagSuppressions.add_resource_suppressions(
                    method,
                    [
                        NagPackSuppression(
                            id="AwsSolutions-APIG4", reason="Public by design: health and the OpenAPI document."
                        ),
                        NagPackSuppression(
                            id="AwsSolutions-COG4", reason="Public by design: health and the OpenAPI document."
                        ),
                    ],
                )
        NagSuppressions.add_resource_suppressions(
            self.api,
            [
                NagPackSuppression(
                    id="AwsSolutions-COG4",
                    reason="Callers are servers holding API keys, checked by our REQUEST authorizer, not Cognito.",
                ),
                NagPackSuppression(
                    id="AwsSolutions-APIG3",
                    reason="WAF is a per-seller choice (cost); throttling and the authorizer guard the API.",
                ),
                NagPackSuppression(
                    id="AwsSolutions-IAM4",
                    reason="API Gateway's account role for CloudWatch Logs uses the AWS-managed push policy.",
                ),
                NagPackSuppression(
                    id="AwsSolutions-APIG4",
                    reason="CORS preflight (OPTIONS) methods answer without authorization, as browsers need.",
                ),
            ],
            apply_to_children=True,
        )
        self.stack = Stack.of(self)
