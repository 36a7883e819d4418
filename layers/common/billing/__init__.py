"""Serverless billing backend: the shared package shipped in the Lambda layer."""

from billing.dataclass_code import install

# Before the package creates any dataclass: on Lambda their methods come compiled with the layer.
install()
