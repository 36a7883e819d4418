"""The only modules that import botocore, pynamodb, stripe or document renderers."""
