"""Docker-free bundling of the Lambda layer: ``pip --platform`` for arm64 python3.13, then ``billing/``.

CDK's Python bundling (and aws_lambda_python_alpha) runs in Docker, which our machines and CI lack.
Every dependency we ship has arm64 manylinux wheels, so pip can fetch them for Lambda from any host.
"""

from __future__ import annotations

import hashlib
import shutil
import subprocess
import sys
from pathlib import Path

import jsii
from aws_cdk import AssetHashType, BundlingOptions, DockerImage, ILocalBundling
from aws_cdk import aws_lambda as lambda_

ROOT = Path(__file__).resolve().parent.parent
LAYER_SOURCE = ROOT / "layers" / "common"
LAYER_LOCK = ROOT / "requirements" / "layer.lock"
LAMBDA_PLATFORMS = ("manylinux2014_aarch64", "manylinux_2_28_aarch64")
LAMBDA_PYTHON = "3.13"


@jsii.implements(ILocalBundling)
class PipPlatformBundling:
    def try_bundle(self, output_dir: str, options: BundlingOptions) -> bool:  # jsii passes both positionally
        target = Path(output_dir) / "python"
        platforms = [arg for platform in LAMBDA_PLATFORMS for arg in ("--platform", platform)]
        subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "install",
                "--quiet",
                "--disable-pip-version-check",
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
        shutil.copytree(
            LAYER_SOURCE / "billing", target / "billing", ignore=shutil.ignore_patterns("__pycache__", "*.pyc")
        )
        return True


def source_hash() -> str:
    """Changes when the lock or any billing source changes, and only then."""
    digest = hashlib.sha256(LAYER_LOCK.read_bytes())
    for path in sorted((LAYER_SOURCE / "billing").rglob("*.py")):
        digest.update(str(path.relative_to(LAYER_SOURCE)).encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def layer_code() -> lambda_.Code:
    return lambda_.Code.from_asset(
        str(LAYER_SOURCE),
        asset_hash_type=AssetHashType.CUSTOM,
        asset_hash=source_hash(),
        bundling=BundlingOptions(
            # Never pulled: local bundling always succeeds, but CDK requires an image to be named.
            image=DockerImage.from_registry("unused-local-bundling-only"),
            # jsii calls try_bundle(output_dir, options) positionally; its stub says keyword-only options.
            local=PipPlatformBundling(),  # type: ignore[arg-type]
        ),
    )


def function_code(source_dir: str) -> lambda_.Code:
    return lambda_.Code.from_asset(str(ROOT / source_dir), exclude=["__pycache__", "*.pyc"])
