"""The synthesized stack: what the manifest declares, secured as the brief asks, and lint-clean."""

from __future__ import annotations

import csv
import glob
import json
import os
import subprocess
import sys

import pytest

from infra.manifest import FUNCTIONS, GATEWAY_PROBLEMS, ROUTES, TABLES

pytestmark = pytest.mark.infra
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))


def template_routes(synth) -> set[tuple[str, str, bool]]:
    """(method, path, authorized) for every method of the REST API, rebuilt from the resource tree."""
    resources = synth.resources("AWS::ApiGateway::Resource")
    api_id = next(iter(synth.resources("AWS::ApiGateway::RestApi")))

    def path_of(ref: dict) -> str:
        if "Fn::GetAtt" in ref:  # the API's root resource
            assert ref["Fn::GetAtt"][0] == api_id
            return ""
        resource = resources[ref["Ref"]]["Properties"]
        return f"{path_of(resource['ParentId'])}/{resource['PathPart']}"

    return {
        (
            m["Properties"]["HttpMethod"],
            path_of(m["Properties"]["ResourceId"]),
            m["Properties"]["AuthorizationType"] == "CUSTOM",
        )
        for m in synth.resources("AWS::ApiGateway::Method").values()
        if m["Properties"]["HttpMethod"] != "OPTIONS"  # CORS preflight, answered by API Gateway itself
    }


def test_template_declares_exactly_the_manifest_routes(dev):
    assert template_routes(dev) == {(r.method, r.path, r.authorized) for r in ROUTES}


def test_local_runtime_serves_exactly_the_template_routes(dev):
    from local.gateway import Gateway

    served = {(r.method, r.path, r.authorized) for r in Gateway().routes}
    assert served == template_routes(dev)


def test_functions_are_arm64_python313_with_the_layer_and_tracing(dev):
    functions = {
        k: v
        for k, v in dev.resources("AWS::Lambda::Function").items()
        if v["Properties"].get("Handler") == "handler.handler"  # ours, not CDK's custom-resource helpers
    }
    assert len(functions) == len(FUNCTIONS)
    for function in functions.values():
        props = function["Properties"]
        assert props["Runtime"] == "python3.13"
        assert props["Architectures"] == ["arm64"]
        assert props["Handler"] == "handler.handler"
        assert len(props["Layers"]) == 1
        assert props["TracingConfig"] == {"Mode": "Active"}
        assert "BILLING_TABLE" in props["Environment"]["Variables"]


def test_authorizer_reads_the_authorization_header_and_never_caches(dev):
    (authorizer,) = dev.resources("AWS::ApiGateway::Authorizer").values()
    props = authorizer["Properties"]
    assert props["Type"] == "REQUEST"
    assert props["IdentitySource"] == "method.request.header.Authorization"
    assert props["AuthorizerResultTtlInSeconds"] == 0


def test_gateway_refusals_are_problem_json(dev):
    responses = {
        r["Properties"]["ResponseType"]: r["Properties"]
        for r in dev.resources("AWS::ApiGateway::GatewayResponse").values()
    }
    assert set(responses) == set(GATEWAY_PROBLEMS)
    for kind, problem in GATEWAY_PROBLEMS.items():
        assert responses[kind]["StatusCode"] == str(problem.status)
        assert json.loads(responses[kind]["ResponseTemplates"]["application/json"])["code"] == problem.code


def test_stage_has_access_logs_throttling_and_no_body_logging(dev):
    (stage,) = dev.resources("AWS::ApiGateway::Stage").values()
    props = stage["Properties"]
    assert "AccessLogSetting" in props
    assert props["TracingEnabled"] is True
    (settings,) = props["MethodSettings"]
    assert settings["DataTraceEnabled"] is False
    assert settings["ThrottlingRateLimit"] > 0


def test_tables_are_encrypted_recoverable_and_protected_in_prod(prod):
    tables = prod.resources("AWS::DynamoDB::GlobalTable")
    assert len(tables) == len(TABLES)
    for table in tables.values():
        props = table["Properties"]
        assert props["SSESpecification"]["SSEEnabled"] is True
        assert props["SSESpecification"]["SSEType"] == "KMS"
        (replica,) = props["Replicas"]
        assert replica["PointInTimeRecoverySpecification"]["PointInTimeRecoveryEnabled"] is True
        assert replica["DeletionProtectionEnabled"] is True
        assert props["TimeToLiveSpecification"]["Enabled"] is True
        assert table["DeletionPolicy"] == "Retain"


def test_iam_grants_name_their_actions(dev):
    for policy in dev.resources("AWS::IAM::Policy").values():
        for statement in policy["Properties"]["PolicyDocument"]["Statement"]:
            actions = statement["Action"] if isinstance(statement["Action"], list) else [statement["Action"]]
            assert not [a for a in actions if a.endswith(":*") or a == "*"], actions


def test_cdk_nag_has_no_unacknowledged_finding(dev, prod):
    for synth in (dev, prod):
        errors = [m for m in synth.artifact.messages if "AwsSolutions-" in str(m.entry.data)]
        assert errors == []
        (report,) = glob.glob(os.path.join(synth.outdir, "AwsSolutions-*NagReport.csv"))
        with open(report, newline="") as handle:
            rows = list(csv.DictReader(handle))
        assert rows, "cdk-nag ran no rule"
        assert {row["Compliance"] for row in rows} <= {"Compliant", "Suppressed"}
        for row in rows:
            if row["Compliance"] == "Suppressed":
                assert len(row["Exception Reason"]) > 20, row


def test_cfn_lint_is_clean(dev, prod):
    # Both templates at once: each cfn-lint run is a few CPU-bound seconds.
    runs = [
        subprocess.Popen(
            [os.path.join(os.path.dirname(sys.executable), "cfn-lint"), synth.template_path],
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            cwd=ROOT,  # where .cfnlintrc.yaml says which rule is ignored and why
        )
        for synth in (dev, prod)
    ]
    for run in runs:
        output, _ = run.communicate(timeout=300)
        assert run.returncode == 0, output


def test_each_function_gets_exactly_the_variables_its_settings_read(dev):
    from billing import settings

    settings_of = {
        "authorizer": settings.TableSettings,
        "api": settings.ApiSettings,
        "stripe_webhook": settings.WebhookSettings,
        "payments": settings.PaymentsSettings,
        "billing_run": settings.RunSettings,
        "billing_worker": settings.WorkerSettings,
        "documents": settings.DocumentSettings,
        "webhook_delivery": settings.WebhookDeliverySettings,
        "marketplace": settings.MarketplaceSettings,
    }
    assert set(settings_of) == {f.name for f in FUNCTIONS}
    functions = {
        v["Properties"]["Description"]: v["Properties"]
        for v in dev.resources("AWS::Lambda::Function").values()
        if v["Properties"].get("Handler") == "handler.handler"
    }
    for declared in FUNCTIONS:
        model = settings_of[declared.name]
        prefix = settings.ENV_PREFIX
        read = {prefix + name.upper(): field for name, field in model.model_fields.items()}
        given = {n for n in functions[declared.description]["Environment"]["Variables"] if n.startswith(prefix)}
        assert given <= set(read), f"{declared.name}: {sorted(given - set(read))} given but read by nothing"
        required = {name for name, field in read.items() if field.is_required()}
        assert required <= given, f"{declared.name}: {sorted(required - given)} required but not given"


def test_the_portal_is_a_private_bucket_behind_cloudfront_with_a_strict_policy(dev):
    # Given the synthesized stage
    (distribution,) = dev.resources("AWS::CloudFront::Distribution").values()
    config = distribution["Properties"]["DistributionConfig"]
    # Then CloudFront reaches the bundle through an origin access control, over HTTPS only
    (origin,) = config["Origins"]
    assert "OriginAccessControlId" in origin
    assert origin["S3OriginConfig"] == {"OriginAccessIdentity": ""}
    assert config["DefaultCacheBehavior"]["ViewerProtocolPolicy"] == "redirect-to-https"
    bundle = dev.stack.resolve(dev.stack.portal.bucket.node.default_child.logical_id)
    assert dev.template["Resources"][bundle]["Properties"]["PublicAccessBlockConfiguration"] == {
        "BlockPublicAcls": True,
        "BlockPublicPolicy": True,
        "IgnorePublicAcls": True,
        "RestrictPublicBuckets": True,
    }
    # And every answer carries the security headers, with a CSP that allows no inline script or style
    (policy,) = dev.resources("AWS::CloudFront::ResponseHeadersPolicy").values()
    headers = policy["Properties"]["ResponseHeadersPolicyConfig"]["SecurityHeadersConfig"]
    csp = headers["ContentSecurityPolicy"]["ContentSecurityPolicy"]
    assert "'unsafe-inline'" not in csp
    assert "'unsafe-eval'" not in csp
    assert "frame-ancestors 'none'" in csp
    assert "script-src 'self' https://js.stripe.com" in csp
    assert headers["FrameOptions"]["FrameOption"] == "DENY"
    assert headers["StrictTransportSecurity"]["AccessControlMaxAgeSec"] >= 31536000
    # And the API admits the portal's origin (first), and leads portal sessions to the portal's page
    (api,) = [f for f in dev.resources("AWS::Lambda::Function").values() if "BILLING_PORTAL_URL" in str(f)]
    variables = api["Properties"]["Environment"]["Variables"]
    portal_domain = {
        "Fn::GetAtt": [dev.stack.resolve(dev.stack.portal.distribution.node.default_child.logical_id), "DomainName"]
    }
    assert portal_domain in variables["BILLING_CORS_ORIGINS"]["Fn::Join"][1]
    assert portal_domain in variables["BILLING_PORTAL_URL"]["Fn::Join"][1]
    # And the bundle is uploaded with its runtime configuration under portal/
    (upload,) = dev.resources("Custom::CDKBucketDeployment").values()
    assert upload["Properties"]["DestinationBucketKeyPrefix"] == "portal/"
    assert len(upload["Properties"]["SourceObjectKeys"]) == 2  # the bundle and config.json


def test_prod_refuses_to_synthesize_without_a_real_seller():
    from infra.config import LOCAL_SELLER, STAGES, with_seller

    with pytest.raises(ValueError, match="needs its seller"):
        with_seller(STAGES["prod"], None)
    with pytest.raises(ValueError, match="fictitious"):
        with_seller(STAGES["prod"], LOCAL_SELLER.model_dump_json())
    assert with_seller(STAGES["dev"], None).seller == LOCAL_SELLER


def test_documents_are_locked_in_compliance_mode_in_prod(prod):
    (bucket,) = [b for b in prod.resources("AWS::S3::Bucket").values() if "ObjectLockConfiguration" in b["Properties"]]
    rule = bucket["Properties"]["ObjectLockConfiguration"]["Rule"]["DefaultRetention"]
    assert (rule["Mode"], rule["Days"]) == ("COMPLIANCE", 3653)
    functions = prod.resources("AWS::Lambda::Function").values()
    modes = {f["Properties"]["Environment"]["Variables"].get("BILLING_DOCUMENT_LOCK_MODE") for f in functions}
    assert "COMPLIANCE" in modes
