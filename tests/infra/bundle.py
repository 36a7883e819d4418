"""The synthesized bundle as Lambda would load it: a python3.13 interpreter that sees only the layer's
``python/`` and the function's asset (isolated from every development package), importing a handler,
composing it and, for the cold-start benchmark, invoking it once.

Shared by tests/infra (does every function import?) and ``make bench`` (how long does a cold start take?).
"""

from __future__ import annotations

import json
import os
import subprocess
import uuid
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from infra.manifest import FUNCTIONS

# Run by the python3.13 interpreter with -I -S: no PYTHON* variables, no site-packages, no current
# directory; the paths are Lambda's order (/var/task, then /opt/python).
PROBE = r"""
import importlib, importlib.util, json, sys, time
task, layer, action, event_json = sys.argv[1:5]
sys.path[:0] = [task, layer]
result = {}
start = time.perf_counter()
try:
    if action == "modules":
        import pkgutil
        import billing
        names = [m.name for m in pkgutil.walk_packages(billing.__path__, "billing.")]
        for name in names:
            importlib.import_module(name)
        result["modules"] = len(names)
    else:
        import handler
        result["import_ms"] = (time.perf_counter() - start) * 1000
        handler.compose()
        result["compose_ms"] = (time.perf_counter() - start) * 1000
        if action == "deferred":  # event_json: [[label, [step, ...]], ...], each timed after the ones before
            result["deferred_ms"] = {}
            for label, steps in json.loads(event_json):
                begin = time.perf_counter()
                for step in steps:  # "module": imported; "module:Class": its pydantic adapter built
                    module, _, name = step.partition(":")
                    imported = importlib.import_module(module)
                    if name:
                        from pydantic import TypeAdapter
                        TypeAdapter(getattr(imported, name))
                result["deferred_ms"][label] = (time.perf_counter() - begin) * 1000
        if action == "invoke":
            class Context:
                function_name = "billing-bench-" + task.rsplit("/", 1)[-1]
                memory_limit_in_mb = 512
                invoked_function_arn = "arn:aws:lambda:eu-west-3:123456789012:function:" + function_name
                aws_request_id = "00000000-0000-0000-0000-000000000000"
                log_group_name = "/aws/lambda/bench"
                log_stream_name = "bench"
                function_version = "$LATEST"
                def get_remaining_time_in_millis(self):
                    return 60000
            try:
                answer = handler.handler(json.loads(event_json), Context())
                result["answer"] = answer if isinstance(answer, dict) else repr(answer)
            except Exception as error:
                result["raised"] = f"{type(error).__name__}: {error}"
            result["invoke_ms"] = (time.perf_counter() - start) * 1000
    development = [
        m for m in ("pytest", "moto", "localstripe", "hypothesis", "aws_cdk") if importlib.util.find_spec(m)
    ]
    if "billing.dataclass_code" in sys.modules:  # dataclasses' methods: compiled with the layer, or here
        result["dataclass_code"] = sys.modules["billing.dataclass_code"].USED
except ModuleNotFoundError as error:
    result["missing"] = error.name
    development = []
result["development_packages_visible"] = development
sys.stdout.write("\n" + json.dumps(result))
"""


@dataclass(frozen=True)
class Bundle:
    layer: Path  # the layer asset's python/ directory
    functions: dict[str, Path]  # function name → its code asset directory


def synthesize_bundle(outdir: str, wheels: str) -> Bundle:
    """Synthesize the dev stage with bundling on, its layer's wheels built for ``wheels``' CPU."""
    from aws_cdk import App

    from infra.app import build_app

    app, stack = build_app(App(outdir=outdir, context={"stage": "dev", "layer_wheels": wheels}))
    assembly = app.synth()
    return bundle_of(assembly.get_stack_artifact(stack.artifact_id).template, outdir)


def bundle_of(template: dict[str, Any], outdir: str) -> Bundle:
    """Find the asset directories of the layer and of each function through their S3 keys."""
    (assets,) = Path(outdir).glob("*.assets.json")
    manifest = json.loads(assets.read_text())
    source_of = {asset_hash: Path(outdir, entry["source"]["path"]) for asset_hash, entry in manifest["files"].items()}

    def asset(code: dict[str, Any]) -> Path:
        return source_of[str(code["S3Key"]).removesuffix(".zip")]

    resources = template["Resources"].values()
    # Ours is the layer holding `billing` (the portal's upload brings CDK's AWS CLI layer too).
    (layer,) = [
        r
        for r in resources
        if r["Type"] == "AWS::Lambda::LayerVersion"
        and (asset(r["Properties"]["Content"]) / "python" / "billing").is_dir()
    ]
    functions = {}
    for resource in resources:
        props = resource.get("Properties", {})
        if resource["Type"] == "AWS::Lambda::Function" and props.get("Handler") == "handler.handler":
            directory = asset(props["Code"])
            functions[_function_name(directory)] = directory
    return Bundle(layer=asset(layer["Properties"]["Content"]) / "python", functions=functions)


def _function_name(directory: Path) -> str:
    """Which declared function an asset holds: its handler's text is that function's source."""
    text = (directory / "handler.py").read_bytes()
    root = Path(__file__).resolve().parents[2]
    (name,) = [f.name for f in FUNCTIONS if (root / f.source_dir / "handler.py").read_bytes() == text]
    return name


def deployed_tracing_env(function: str) -> dict[str, str]:
    """What Lambda sets for an actively traced function: the X-Ray SDK sees a Lambda facade segment and
    sends its subsegments by UDP to the daemon address (nobody listens locally: sending still happens)."""
    return {
        "AWS_LAMBDA_FUNCTION_NAME": f"billing-bench-{function}",
        "LAMBDA_TASK_ROOT": "/var/task",
        "_X_AMZN_TRACE_ID": (
            f"Root=1-{uuid.uuid4().hex[:8]}-{uuid.uuid4().hex[:24]};Parent={uuid.uuid4().hex[:16]};Sampled=1"
        ),
        "AWS_XRAY_DAEMON_ADDRESS": "127.0.0.1:2000",
        "POWERTOOLS_TRACE_DISABLED": "false",
        "POWERTOOLS_METRICS_DISABLED": "true",
        "POWERTOOLS_LOG_LEVEL": "ERROR",
    }


def probe(
    python: str,
    bundle: Bundle,
    function: str | None,
    action: str,
    env: dict[str, str],
    event: dict[str, Any] | list[Any] | None = None,
) -> dict[str, Any]:
    """Run PROBE for one function (``import``, ``invoke``, ``deferred``) or for the whole layer (``modules``)."""
    task = bundle.functions[function] if function else bundle.layer
    run = subprocess.run(
        [python, "-I", "-S", "-c", PROBE, str(task), str(bundle.layer), action, json.dumps(event or {})],
        capture_output=True,
        text=True,
        check=False,
        env=env,
        timeout=120,
    )
    lines = run.stdout.strip().splitlines()
    if run.returncode != 0 or not lines:
        raise AssertionError(f"{function or 'layer'}: exit {run.returncode}\n{run.stdout}\n{run.stderr}")
    result: dict[str, Any] = json.loads(lines[-1])
    return result


def first_events(operator_key: str) -> dict[str, dict[str, Any]]:
    """One ordinary event per function, as its trigger would deliver it."""
    request_context = {
        "accountId": "123456789012",
        "apiId": "bench",
        "stage": "v1",
        "requestId": str(uuid.uuid4()),
        "resourcePath": "/v1/health",
        "httpMethod": "GET",
        "path": "/v1/v1/health",
        "identity": {"sourceIp": "127.0.0.1"},
    }
    health = {
        "resource": "/v1/health",
        "path": "/v1/health",
        "httpMethod": "GET",
        "headers": {"Accept": "application/json"},
        "multiValueHeaders": {"Accept": ["application/json"]},
        "queryStringParameters": None,
        "multiValueQueryStringParameters": None,
        "pathParameters": None,
        "stageVariables": None,
        "requestContext": request_context,
        "body": None,
        "isBase64Encoded": False,
    }
    authorizer = {
        "type": "REQUEST",
        "methodArn": "arn:aws:execute-api:eu-west-3:123456789012:bench/v1/GET/v1/health",
        "resource": "/v1/health",
        "path": "/v1/health",
        "httpMethod": "GET",
        "headers": {"Authorization": f"Bearer {operator_key}"},
        "requestContext": request_context,
    }
    webhook = health | {
        "resource": "/webhooks/stripe",
        "path": "/webhooks/stripe",
        "httpMethod": "POST",
        "headers": {"Stripe-Signature": "t=1,v1=00", "Content-Type": "application/json"},
        "body": json.dumps({"id": "evt_bench", "type": "ping"}),
    }

    def sqs(body: dict[str, Any]) -> dict[str, Any]:
        return {
            "Records": [
                {
                    "messageId": str(uuid.uuid4()),
                    "receiptHandle": "bench",
                    "body": json.dumps(body),
                    "attributes": {"ApproximateReceiveCount": "1"},
                    "messageAttributes": {},
                    "md5OfBody": "",
                    "eventSource": "aws:sqs",
                    "eventSourceARN": "arn:aws:sqs:eu-west-3:123456789012:bench",
                    "awsRegion": "eu-west-3",
                }
            ]
        }

    return {
        "api": health,
        "authorizer": authorizer,
        "stripe_webhook": webhook,
        "billing_run": {"source": "aws.scheduler", "detail-type": "Scheduled Event", "detail": {}},
        "billing_worker": sqs({"kind": "subscription", "id": "sub_bench_missing"}),
        "documents": sqs({"detail-type": "receipt.created", "detail": {"receipt": "rcpt_bench_missing"}}),
        # A charge of an invoice the table does not hold: read, then dropped as no longer due (a stale message).
        "payments": sqs({"detail-type": "invoice.charge_due", "detail": {"invoice": "in_bench_missing", "attempt": 1}}),
        "webhook_delivery": sqs({"event": "evt_bench_missing", "endpoint": "we_bench_missing"}),
        "marketplace": sqs(
            {
                "id": "bench-notice",
                "source": "aws.agreement-marketplace",
                "detail-type": "Purchase Agreement Created - Manufacturer",
                "time": "2026-12-04T00:00:00Z",
                "detail": {"agreement": {"id": "agmt-bench"}, "acceptor": {"accountId": "111122223333"}},
            }
        ),
    }


def backend_env(extra: dict[str, str]) -> dict[str, str]:
    """The functions' environment as the local backend set it (tables, queues, endpoints), plus ``extra``."""
    return {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")} | extra
