"""Every function imports and composes from the synthesized bundle alone, as Lambda's python3.13 loads it.

The development venv holds every package, so a dependency missing from the layer lock passes every other
test and fails only on Lambda (stripe once did). Here a python3.13 interpreter sees nothing but the layer's
``python/`` and the function's asset.
"""

from __future__ import annotations

import re
import shutil
import subprocess

import botocore.session
import pytest

from billing.dataclass_code import CACHE_FILE
from infra import packaging
from infra.manifest import FUNCTIONS
from infra.packaging import (
    AWS_SERVICES,
    LAMBDA_PYTHON,
    LAYER_SOURCE,
    WHEEL_PLATFORMS,
    host_wheels,
    lambda_python,
)
from tests.infra.bundle import backend_env, deployed_tracing_env, first_events, probe, synthesize_bundle

pytestmark = pytest.mark.infra
PYTHON = lambda_python()
# function → (import ms, import + compose ms), printed at the end of the session (tests/infra/conftest.py)
BUNDLE_IMPORTS: dict[str, tuple[float, float]] = {}
needs_python = pytest.mark.skipif(
    PYTHON is None, reason=f"no python{LAMBDA_PYTHON} on this machine (PATH or pyenv): the bundle cannot be loaded"
)


@pytest.fixture(scope="module")
def bundle(tmp_path_factory):
    # The same bundling as `make synth`, with wheels for this machine's CPU (an arm64 pydantic-core
    # does not load on x86_64).
    return synthesize_bundle(str(tmp_path_factory.mktemp("cdk-bundle")), host_wheels())


@needs_python
def test_the_layer_carries_python313_bytecode_only(bundle):
    compiled = list(bundle.layer.rglob("*.pyc"))
    assert compiled, "the layer carries no bytecode: every cold start would compile from source"
    tags = {path.name.split(".")[-2] for path in compiled}
    assert tags == {"cpython-313"}, tags
    # Every module has its bytecode, ours included.
    assert (bundle.layer / "billing" / "__pycache__" / "money.cpython-313.pyc").exists()
    assert (bundle.layer / "stripe" / "__init__.py").exists()


@needs_python
def test_a_layer_for_another_cpu_gets_the_dataclass_code_recorded_with_this_machine_s_packages(
    tmp_path, bundle, monkeypatch
):
    # Lambda's layer is built for arm64, here usually on x86_64, where its pydantic-core cannot be imported
    # to record (infra/packaging.py: record_dataclass_code). Recorded apart, the same texts must come out.
    # The packages of this machine's CPU are the bundle's, already installed by the same pip command.
    installed = []

    def install(target, wheels):
        installed.append(wheels)
        shutil.copytree(bundle.layer, target, ignore=shutil.ignore_patterns("billing"), symlinks=True)

    monkeypatch.setattr(packaging, "_install_packages", install)
    other = next(cpu for cpu in WHEEL_PLATFORMS if cpu != host_wheels())
    shutil.copytree(LAYER_SOURCE / "billing", tmp_path / "billing", ignore=shutil.ignore_patterns("__pycache__"))

    packaging.record_dataclass_code(PYTHON, tmp_path, other)

    read = "import marshal, sys; print(sorted(marshal.loads(open(sys.argv[1], 'rb').read()[4:])))"
    recorded = [
        subprocess.run([PYTHON, "-I", "-c", read, str(path)], capture_output=True, text=True, check=True).stdout
        for path in (tmp_path / "billing" / CACHE_FILE.name, bundle.layer / "billing" / CACHE_FILE.name)
    ]
    assert installed == [host_wheels()]
    assert recorded[0] == recorded[1]
    assert len(recorded[0]) > 1000


@needs_python
def test_the_layer_keeps_the_model_of_every_aws_service_the_code_calls(bundle):
    source = "\n".join(path.read_text() for path in (LAYER_SOURCE / "billing").rglob("*.py"))
    named = set(re.findall(r'aws_client\(\s*"([a-z0-9-]+)"', source))
    # Called without naming a client: PynamoDB and Powertools idempotency (DynamoDB).
    called = named | {"dynamodb"}
    assert {"sqs", "events", "s3", "ses", "meteringmarketplace", "secretsmanager"} <= named
    assert called <= AWS_SERVICES
    kept = {path.name for path in (bundle.layer / "botocore" / "data").iterdir() if path.is_dir()}
    assert kept == AWS_SERVICES


@needs_python
def test_the_layer_s_endpoint_catalog_lists_the_kept_services_and_each_resolves(bundle):
    session = botocore.session.Session()
    session.set_config_variable("data_path", str(bundle.layer / "botocore" / "data"))  # searched first
    session.set_config_variable("ignore_configured_endpoint_urls", True)  # AWS_ENDPOINT_URL: the emulator's
    catalog = session.get_component("data_loader").load_data("endpoints")
    aws = next(partition for partition in catalog["partitions"] if partition["partition"] == "aws")
    # Keyed by endpoint prefix, not by model name: ses is "email".
    assert set(aws["services"]) == {
        "dynamodb", "email", "entitlement.marketplace", "events", "metering.marketplace",
        "s3", "secretsmanager", "sqs", "sts", "xray",
    }  # fmt: skip
    for service in AWS_SERVICES:
        client = session.create_client(
            service, region_name="eu-west-3", aws_access_key_id="test", aws_secret_access_key="test"
        )
        assert re.fullmatch(r"https://[a-z0-9.-]+\.amazonaws\.com", client.meta.endpoint_url)
    assert (
        session.create_client("ses", region_name="eu-west-3").meta.endpoint_url
        == "https://email.eu-west-3.amazonaws.com"
    )


@needs_python
def test_the_bundle_is_the_manifest(bundle):
    assert set(bundle.functions) == {f.name for f in FUNCTIONS}
    # `make bench` times each function's first invocation with one of these.
    assert set(first_events("bk_bench")) == {f.name for f in FUNCTIONS}


@needs_python
@pytest.mark.parametrize("function", [f.name for f in FUNCTIONS])
def test_each_function_imports_and_composes_from_the_bundle(bundle, backend, function):
    result = probe(PYTHON, bundle, function, "import", backend_env(deployed_tracing_env(function)))
    assert "missing" not in result, f"{function}: module {result['missing']!r} is not in the bundle"
    assert result["development_packages_visible"] == []
    BUNDLE_IMPORTS[function] = (result["import_ms"], result["compose_ms"])


@needs_python
@pytest.mark.parametrize("function", [f.name for f in FUNCTIONS])
def test_each_function_creates_its_dataclasses_from_the_layer_s_compiled_code(bundle, backend, function):
    # billing/dataclass_code.py: a class whose methods were not compiled with the layer is compiled at cold start.
    result = probe(PYTHON, bundle, function, "import", backend_env(deployed_tracing_env(function)))
    used = result["dataclass_code"]
    assert used["misses"] == 0, f"{function}: {used['misses']} dataclass(es) compiled at cold start"
    assert used["hits"] > 0


@needs_python
def test_every_billing_module_imports_from_the_layer_alone(bundle, backend):
    # compose() imports lazily what a route needs later (the Stripe adapter on the first payment route):
    # importing every module of the package covers those too.
    result = probe(PYTHON, bundle, None, "modules", backend_env({"POWERTOOLS_TRACE_DISABLED": "true"}))
    assert "missing" not in result, f"module {result['missing']!r} is imported by billing but not in the layer"
    assert result["modules"] > 100
