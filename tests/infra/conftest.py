import json
import os

import pytest

os.environ.setdefault("JSII_SILENCE_WARNING_DEPRECATED_NODE_VERSION", "1")
os.environ.setdefault("JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION", "20")


# A real company's identity for prod (a checksum-valid pair from python-stdnum's test data): prod refuses
# to synthesize with the fictitious local seller.
PROD_SELLER = {
    "legal_name": "Exemple SAS",
    "address": {"line1": "10 rue de la Paix", "postal_code": "75002", "city": "Paris"},
    "siren": "303265045",
    "vat_number": "FR40303265045",
    "iban": "FR76 3000 6000 0112 3456 7890 189",
    "bic": "AGRIFRPPXXX",
    "email": "facturation@exemple.fr",
}


class Synthesized:
    def __init__(self, stage: str, outdir: str) -> None:
        from aws_cdk import App

        from infra.app import build_app

        # Bundling is skipped here (it downloads the arm64 wheels); `make synth` exercises it.
        context: dict[str, object] = {"stage": stage, "aws:cdk:bundling-stacks": []}
        if stage == "prod":
            context["seller"] = json.dumps(PROD_SELLER)
        app, self.stack = build_app(App(outdir=outdir, context=context))
        assembly = app.synth()
        self.artifact = assembly.get_stack_artifact(self.stack.artifact_id)
        self.template = self.artifact.template
        self.template_path = os.path.join(outdir, self.artifact.template_file)
        self.outdir = outdir

    def resources(self, kind: str) -> dict[str, dict]:
        return {k: v for k, v in self.template["Resources"].items() if v["Type"] == kind}


@pytest.fixture(scope="session")
def dev(tmp_path_factory) -> Synthesized:
    return Synthesized("dev", str(tmp_path_factory.mktemp("cdk-dev")))


@pytest.fixture(scope="session")
def prod(tmp_path_factory) -> Synthesized:
    return Synthesized("prod", str(tmp_path_factory.mktemp("cdk-prod")))


def pytest_sessionfinish(session):
    """Under pytest-xdist a worker measured the bundle: hand its figures to the controller's summary."""
    from tests.infra.test_bundle import BUNDLE_IMPORTS

    workeroutput = getattr(session.config, "workeroutput", None)
    if workeroutput is not None:
        workeroutput["bundle_imports"] = dict(BUNDLE_IMPORTS)


@pytest.hookimpl(optionalhook=True)
def pytest_testnodedown(node, error):
    from tests.infra.test_bundle import BUNDLE_IMPORTS

    BUNDLE_IMPORTS.update(getattr(node, "workeroutput", {}).get("bundle_imports", {}))


def pytest_terminal_summary(terminalreporter):
    from tests.infra.test_bundle import BUNDLE_IMPORTS

    if BUNDLE_IMPORTS:
        terminalreporter.write_sep("-", "functions imported from the synthesized bundle (python3.13, isolated)")
        for function, (imported, composed) in BUNDLE_IMPORTS.items():
            terminalreporter.write_line(
                f"{function:<16} import {imported:>5.0f} ms   import + compose {composed:>5.0f} ms"
            )
