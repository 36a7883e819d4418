"""The synthesized stack without its functions, for an AWS emulator's CloudFormation (``cdklocal``-style).

Lambda inside LocalStack needs Docker, and our handlers run in the local gateway anyway: what is left out is
every function, what only exists for them (their roles, log groups, the REST API, the schedules invoking them,
CDK's function-backed custom resources) and, step by step, whatever refers to something left out. An event
rule keeps its other targets and a key or bucket policy its other statements. What remains is the stack's
state and plumbing: key, tables, bucket, queues, bus and rules, secret, alarms. tests/infra deploys it and
compares it with what local/provision.py creates from the same manifest (docs/decisions.md, 2026-12-04).
"""

from __future__ import annotations

import copy
import json
from typing import Any

# CloudFront too: no emulator here has it (LocalStack's community edition does not), and it only serves files.
LEFT_OUT_TYPES = (
    "AWS::Lambda::",
    "AWS::ApiGateway::",
    "AWS::Scheduler::",
    "AWS::IAM::",
    "AWS::Logs::",
    "AWS::CloudFront::",
    "Custom::",
)
LEFT_OUT_TYPES_EXACT = ("AWS::CDK::Metadata",)
PRUNED_LISTS = ("Targets", "Statement")  # an item naming something left out goes; the rest stays


def references(node: Any) -> set[str]:
    """Logical ids named by ``Ref``, ``Fn::GetAtt`` and ``${…}`` inside ``Fn::Sub``."""
    found: set[str] = set()
    if isinstance(node, dict):
        for key, value in node.items():
            if key == "Ref" and isinstance(value, str):
                found.add(value)
            elif key == "Fn::GetAtt":
                target = value[0] if isinstance(value, list) else str(value).split(".")[0]
                found.add(target)
            elif key == "Fn::Sub":
                text = value[0] if isinstance(value, list) else value
                found |= {part.split("}")[0].split(".")[0] for part in str(text).split("${")[1:]}
                if isinstance(value, list):
                    found |= references(value[1:])
            else:
                found |= references(value)
    elif isinstance(node, list):
        for item in node:
            found |= references(item)
    return found


def without_functions(template: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``template`` deployable where functions cannot run (see the module's docstring)."""
    deployable = copy.deepcopy(template)
    resources: dict[str, Any] = deployable["Resources"]
    gone = {
        name
        for name, resource in resources.items()
        if resource["Type"].startswith(LEFT_OUT_TYPES) or resource["Type"] in LEFT_OUT_TYPES_EXACT
    }
    while True:
        for name in gone:
            resources.pop(name, None)
        for resource in resources.values():
            prune(resource.get("Properties", {}), gone)
            depends = resource.get("DependsOn")
            if depends:
                kept = [d for d in ([depends] if isinstance(depends, str) else depends) if d not in gone]
                resource["DependsOn"] = kept
                if not kept:
                    del resource["DependsOn"]
        dependent = {name for name, resource in resources.items() if references(resource) & gone}
        if not dependent:
            break
        gone = dependent
    left = set(resources) | set(deployable.get("Parameters", {})) | {"AWS::Region", "AWS::AccountId"}
    outputs = {name: out for name, out in deployable.get("Outputs", {}).items() if references(out) <= left}
    deployable["Outputs"] = outputs
    # CDK's bootstrap check reads an SSM parameter that only `cdk bootstrap` writes: not part of the stack.
    deployable.pop("Rules", None)
    deployable.get("Parameters", {}).pop("BootstrapVersion", None)
    return deployable


def prune(node: Any, gone: set[str]) -> None:
    if isinstance(node, dict):
        for key, value in node.items():
            if key in PRUNED_LISTS and isinstance(value, list):
                value[:] = [item for item in value if not references(item) & gone]
            prune(value, gone)
    elif isinstance(node, list):
        for item in node:
            prune(item, gone)


def construct_path(resource: dict[str, Any]) -> str:
    """``Storage/MainTable/Resource`` for a resource the CDK app declared (its ``aws:cdk:path``, less the stack)."""
    path = str(resource.get("Metadata", {}).get("aws:cdk:path", ""))
    return path.split("/", 1)[1] if "/" in path else path


def template_body(template: dict[str, Any]) -> str:
    return json.dumps(template, separators=(",", ":"))
