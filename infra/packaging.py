"""Docker-free bundling of the Lambda layer: ``pip --platform`` for python3.13, then ``billing/``, then
python3.13 bytecode.

CDK's Python bundling (and aws_lambda_python_alpha) runs in Docker, which our machines and CI lack.
Every dependency we ship has arm64 manylinux wheels, so pip can fetch them for Lambda from any host.
"""

from __future__ import annotations

import glob
import gzip
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

from billing.dataclass_code import CACHE_FILE

ROOT = Path(__file__).resolve().parent.parent
LAYER_SOURCE = ROOT / "layers" / "common"
LAYER_LOCK = ROOT / "requirements" / "layer.lock"
LAMBDA_PYTHON = "3.13"
# Wheel platforms by CPU. Lambda runs arm64; the bundle-import test builds the same layer for the CPU it
# runs on (context "layer_wheels": "x86_64"), since an arm64 pydantic-core cannot load on x86_64.
WHEEL_PLATFORMS = {
    "arm64": ("manylinux2014_aarch64", "manylinux_2_28_aarch64"),
    "x86_64": ("manylinux2014_x86_64", "manylinux_2_28_x86_64"),
}
LAMBDA_WHEELS = "arm64"
# The AWS services the functions call (botocore's model directory names). botocore lists every service
# directory of its data when it makes its first client, twice: with all 440 services shipped that took ~50 ms
# of each cold start, so the layer keeps only these (tests/infra/test_bundle.py checks each service the code
# names is kept). xray and sts: the tracer's and the credential chain's own clients.
AWS_SERVICES = frozenset(
    {
        "dynamodb",
        "events",
        "marketplace-entitlement",
        "meteringmarketplace",
        "s3",
        "secretsmanager",
        "ses",
        "sqs",
        "sts",
        "xray",
    }
)


def host_wheels() -> str:
    return "arm64" if os.uname().machine in ("aarch64", "arm64") else "x86_64"


def lambda_python() -> str | None:
    """A python3.13 interpreter to compile the layer's bytecode with: ``python3.13`` on the PATH, else the
    newest 3.13 that pyenv holds (its shim answers only when 3.13 is selected, so the file is used)."""
    candidates = [found] if (found := shutil.which(f"python{LAMBDA_PYTHON}")) else []
    pyenv = shutil.which("pyenv")
    if pyenv:
        root = subprocess.run([pyenv, "root"], capture_output=True, text=True, check=False).stdout.strip()
        pattern = os.path.join(root, "versions", f"{LAMBDA_PYTHON}.*", "bin", f"python{LAMBDA_PYTHON}")
        candidates += sorted(glob.glob(pattern), key=_version_key, reverse=True)
    for candidate in candidates:
        probe = subprocess.run(
            [candidate, "-c", "import sys; print('%d.%d' % sys.version_info[:2])"],
            capture_output=True,
            text=True,
            check=False,
        )
        if probe.returncode == 0 and probe.stdout.strip() == LAMBDA_PYTHON:
            return candidate
    return None


def _version_key(path: str) -> tuple[int, ...]:
    version = Path(path).parent.parent.name
    return tuple(int(part) if part.isdigit() else -1 for part in version.split("."))


def bundle_layer(output_dir: str | os.PathLike[str], wheels: str = LAMBDA_WHEELS) -> Path:
    """Write the layer (``python/`` with the pinned packages and ``billing``) into ``output_dir``."""
    python = lambda_python()
    if python is None:
        raise RuntimeError(
            f"bundling the layer needs a python{LAMBDA_PYTHON} interpreter (PATH or pyenv) to compile "
            f"its bytecode for Lambda's python{LAMBDA_PYTHON}"
        )
    target = Path(output_dir) / "python"
    _install_packages(target, wheels)
    keep_aws_services(target / "botocore" / "data")
    _copy_billing(target)
    for stray in target.rglob("*.pyc"):  # bytecode a wheel shipped for another interpreter
        stray.unlink()
    # /opt is read-only on Lambda: without bytecode every cold start compiles every module from source.
    # unchecked-hash, because the asset zip resets file times (a timestamp .pyc would never match) and
    # the layer never changes once published.
    subprocess.run(
        [python, "-m", "compileall", "-q", "-j", "0", "--invalidation-mode", "unchecked-hash", str(target)],
        check=True,
    )
    record_dataclass_code(python, target, wheels)
    return target


def _install_packages(target: Path, wheels: str) -> None:
    platforms = [arg for platform in WHEEL_PLATFORMS[wheels] for arg in ("--platform", platform)]
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "install",
            "--quiet",
            "--disable-pip-version-check",
            # pip would compile with the interpreter running it (cpython-311.pyc), which Lambda ignores.
            "--no-compile",
            *platforms,
            "--only-binary=:all:",
            "--python-version",
            LAMBDA_PYTHON,
            "--implementation",
            "cp",
            "--target",
            str(target),
            "--requirement",
            str(LAYER_LOCK),
        ],
        check=True,
    )


def _copy_billing(target: Path) -> None:
    shutil.copytree(LAYER_SOURCE / "billing", target / "billing", ignore=shutil.ignore_patterns("__pycache__", "*.pyc"))


def record_dataclass_code(python: str, target: Path, wheels: str) -> None:
    """Compile once, into the layer, the methods dataclasses writes at every class creation, .pyc or not
    (billing/dataclass_code.py: ~40 ms of each cold start). Recording imports every billing module, which a
    layer built for another CPU cannot do here (its pydantic-core does not load). The texts dataclasses
    writes are the same on every CPU, so such a layer's are recorded with this machine's build of the same
    pinned packages, and the file copied in."""
    record = "import sys; sys.path.insert(0, sys.argv[1]); import billing.dataclass_code as c; c.record_package()"

    def record_in(site: Path) -> None:
        subprocess.run(
            [python, "-I", "-S", "-B", "-c", record, str(site)], check=True, env={"PATH": os.environ.get("PATH", "")}
        )

    if wheels == host_wheels():
        record_in(target)
        return
    with tempfile.TemporaryDirectory() as scratch:
        site = Path(scratch) / "python"
        _install_packages(site, host_wheels())
        _copy_billing(site)
        record_in(site)
        shutil.copy2(site / "billing" / CACHE_FILE.name, target / "billing" / CACHE_FILE.name)


def keep_aws_services(data: Path) -> None:
    """Remove the models of the services we do not call from botocore's data, and their endpoints from its
    endpoint catalog: the catalog (1.2 MB of JSON, every service of every partition) is parsed by each cold
    start's first client (~19 ms here); with the kept services' entries only it is ~50 KB (~1 ms). The kept
    models lose their documentation (four fifths of their JSON, read only by ``help()``) and are stored
    unpacked: DynamoDB's is parsed in ~3 ms instead of ~8 ms with its decompression."""
    prefixes = set()
    for service in data.iterdir():
        if not service.is_dir():
            continue
        if service.name not in AWS_SERVICES:
            shutil.rmtree(service)
            continue
        newest = max(version for version in service.iterdir() if version.is_dir())  # the one botocore loads
        plain, packed = newest / "service-2.json", newest / "service-2.json.gz"
        model = json.loads(gzip.decompress(packed.read_bytes()) if packed.exists() else plain.read_bytes())
        plain.write_text(json.dumps(_undocumented(model), separators=(",", ":")))
        packed.unlink(missing_ok=True)
        prefixes.add(model["metadata"]["endpointPrefix"])  # the catalog's key: "email" for ses
    catalog_path = data / "endpoints.json"
    catalog = json.loads(catalog_path.read_bytes())
    for partition in catalog["partitions"]:
        partition["services"] = {name: entry for name, entry in partition["services"].items() if name in prefixes}
    catalog_path.write_text(json.dumps(catalog, separators=(",", ":")))


def _undocumented(model: dict[str, Any]) -> dict[str, Any]:
    """A service model without its documentation: the service's, each operation's, each shape's and each
    shape reference's (removed where it is documentation, not wherever the word is a key: a member may be
    named so)."""
    model.pop("documentation", None)
    for operation in model.get("operations", {}).values():
        operation.pop("documentation", None)
        operation.pop("documentationUrl", None)
        for reference in [operation.get("input", {}), operation.get("output", {}), *operation.get("errors", [])]:
            reference.pop("documentation", None)
    for shape in model.get("shapes", {}).values():
        shape.pop("documentation", None)
        references = [
            *shape.get("members", {}).values(),
            *(shape[key] for key in ("member", "key", "value") if key in shape),
        ]
        for reference in references:
            reference.pop("documentation", None)
    return model


@jsii.implements(ILocalBundling)
class PipPlatformBundling:
    def __init__(self, wheels: str) -> None:
        self.wheels = wheels

    def try_bundle(self, output_dir: str, _options: BundlingOptions) -> bool:  # jsii passes both positionally
        bundle_layer(output_dir, self.wheels)
        return True


def source_hash(wheels: str = LAMBDA_WHEELS) -> str:
    """Changes when the lock, any billing source, the services kept, the wheels' CPU or how the layer is made
    (this module) changes, and only then."""
    digest = hashlib.sha256(LAYER_LOCK.read_bytes())
    digest.update(Path(__file__).read_bytes())
    digest.update(wheels.encode())
    digest.update(" ".join(sorted(AWS_SERVICES)).encode())
    for path in sorted((LAYER_SOURCE / "billing").rglob("*.py")):
        digest.update(str(path.relative_to(LAYER_SOURCE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def layer_code(wheels: str = LAMBDA_WHEELS) -> lambda_.Code:
    if wheels not in WHEEL_PLATFORMS:
        raise ValueError(f"layer_wheels must be one of {sorted(WHEEL_PLATFORMS)}, not {wheels!r}")
    return lambda_.Code.from_asset(
        str(LAYER_SOURCE),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=source_hash(wheels),
        bundling=BundlingOptions(
            # Never pulled: local bundling always succeeds, but CDK requires an image to be named.
            image=DockerImage.from_registry("unused-local-bundling-only"),
            # jsii calls try_bundle(output_dir, options) positionally; its stub says keyword-only options.
            local=PipPlatformBundling(wheels),  # type: ignore[arg-type]
        ),
    )


def function_code(source_dir: str) -> lambda_.Code:
    return lambda_.Code.from_asset(str(ROOT / source_dir), exclude=["__pycache__", "*.pyc"])
