"""The customer billing portal: its bundle (portal/dist) in a private bucket, served by CloudFront through an
origin access control, with security headers and a CSP without 'unsafe-inline'. The portal calls the API on
its own origin (API Gateway), whose CORS admits the portal's origin (infra/api.py)."""

from __future__ import annotations

from pathlib import Path

from aws_cdk import Duration, RemovalPolicy, Stack
from aws_cdk import aws_cloudfront as cloudfront
from aws_cdk import aws_cloudfront_origins as origins
from aws_cdk import aws_s3 as s3
from aws_cdk import aws_s3_deployment as s3_deployment
from cdk_nag import NagPackSuppression, NagSuppressions
from constructs import Construct

from infra.config import StageConfig

BUNDLE = Path(__file__).resolve().parent.parent / "portal" / "dist"
STRIPE_JS = "https://js.stripe.com"
# Stripe's documented CSP for Stripe.js and its 3-D Secure frames; the API on API Gateway's domain (its exact
# URL would make the distribution depend on the API, whose functions need the portal's URL: a cycle).
CONTENT_SECURITY_POLICY = (
    f"default-src 'self'; script-src 'self' {STRIPE_JS}; style-src 'self'; img-src 'self' data:; "
    "connect-src 'self' https://*.execute-api.{region}.amazonaws.com https://api.stripe.com; "
    f"frame-src {STRIPE_JS} https://hooks.stripe.com; frame-ancestors 'none'; base-uri 'none'; "
    "form-action 'self'; object-src 'none'"
)
# CloudFront serves /portal/ as /portal/index.html (S3 has no directory index behind an access control).
INDEX_REWRITE = (
    "function handler(event) { var request = event.request; "
    "if (request.uri.endsWith('/')) { request.uri += 'index.html'; } return request; }"
)


class Portal(Construct):
    def __init__(self, scope: Construct, construct_id: str, config: StageConfig) -> None:
        super().__init__(scope, construct_id)
        self.bucket = s3.Bucket(
            self,
            "Bundle",
            block_public_access=s3.BlockPublicAccess.BLOCK_ALL,
            encryption=s3.BucketEncryption.S3_MANAGED,
            enforce_ssl=True,
            removal_policy=RemovalPolicy.RETAIN if config.retain_data else RemovalPolicy.DESTROY,
            auto_delete_objects=not config.retain_data,
        )
        headers = cloudfront.ResponseHeadersPolicy(
            self,
            "SecurityHeaders",
            security_headers_behavior=cloudfront.ResponseSecurityHeadersBehavior(
                content_security_policy=cloudfront.ResponseHeadersContentSecurityPolicy(
                    content_security_policy=CONTENT_SECURITY_POLICY.replace("{region}", config.region), override=True
                ),
                content_type_options=cloudfront.ResponseHeadersContentTypeOptions(override=True),
                frame_options=cloudfront.ResponseHeadersFrameOptions(
                    frame_option=cloudfront.HeadersFrameOption.DENY, override=True
                ),
                referrer_policy=cloudfront.ResponseHeadersReferrerPolicy(
                    referrer_policy=cloudfront.HeadersReferrerPolicy.NO_REFERRER, override=True
                ),
                strict_transport_security=cloudfront.ResponseHeadersStrictTransportSecurity(
                    access_control_max_age=Duration.days(730), include_subdomains=True, override=True
                ),
            ),
        )
        self.distribution = cloudfront.Distribution(
            self,
            "Distribution",
            default_behavior=cloudfront.BehaviorOptions(
                origin=origins.S3BucketOrigin.with_origin_access_control(self.bucket),
                viewer_protocol_policy=cloudfront.ViewerProtocolPolicy.REDIRECT_TO_HTTPS,
                response_headers_policy=headers,
                function_associations=[
                    cloudfront.FunctionAssociation(
                        event_type=cloudfront.FunctionEventType.VIEWER_REQUEST,
                        function=cloudfront.Function(
                            self,
                            "IndexRewrite",
                            code=cloudfront.FunctionCode.from_inline(INDEX_REWRITE),
                            runtime=cloudfront.FunctionRuntime.JS_2_0,
                        ),
                    )
                ],
            ),
            minimum_protocol_version=cloudfront.SecurityPolicyProtocol.TLS_V1_2_2021,
        )
        self.origin = f"https://{self.distribution.distribution_domain_name}"
        self.url = config.portal_url or f"{self.origin}/portal/"
        NagSuppressions.add_resource_suppressions(
            self,
            [
                NagPackSuppression(
                    id="AwsSolutions-S1",
                    reason="Static, public-by-design files: CloudFront serves them, no audit need.",
                ),
                NagPackSuppression(id="AwsSolutions-CFR1", reason="Customers of every country use the portal."),
                NagPackSuppression(
                    id="AwsSolutions-CFR2", reason="Static files only; the API behind it has its own throttling."
                ),
                NagPackSuppression(
                    id="AwsSolutions-CFR3", reason="Static files: the API logs every call that matters."
                ),
                NagPackSuppression(
                    id="AwsSolutions-CFR4",
                    reason="The default CloudFront certificate allows older TLS; a stage with its own domain "
                    "(portal_url) sets TLS 1.2 with its certificate.",
                ),
            ],
            apply_to_children=True,
        )

    def deploy(self, config: StageConfig, api_url: str) -> None:
        """Upload the bundle and its runtime configuration (where the API and Stripe.js are)."""
        if not (BUNDLE / "index.html").is_file():
            raise SystemExit("The portal is not built: run `make portal` before synthesizing.")
        deployment = s3_deployment.BucketDeployment(
            self,
            "Upload",
            sources=[
                s3_deployment.Source.asset(str(BUNDLE)),
                s3_deployment.Source.json_data(
                    "config.json",
                    {
                        "api": api_url.rstrip("/"),
                        "stripe_js": f"{STRIPE_JS}/v3/",
                        "stripe_publishable_key": config.stripe_publishable_key,
                    },
                ),
            ],
            destination_bucket=self.bucket,
            destination_key_prefix="portal/",
            distribution=self.distribution,
            distribution_paths=["/portal/*"],
        )
        # CDK puts the upload's function (a singleton) at the stack's root, beside the deployment.
        uploader = [
            child for child in Stack.of(self).node.children if child.node.id.startswith("Custom::CDKBucketDeployment")
        ]
        NagSuppressions.add_resource_suppressions(
            [deployment, *uploader],
            [
                NagPackSuppression(
                    id="AwsSolutions-IAM4", reason="CDK's upload function uses the basic execution role."
                ),
                NagPackSuppression(
                    id="AwsSolutions-IAM5",
                    reason="CDK's upload reads its asset and writes every key under portal/ of the bundle bucket.",
                ),
                NagPackSuppression(id="AwsSolutions-L1", reason="CDK chooses its upload function's runtime."),
            ],
            apply_to_children=True,
        )
