"""The only modules that import boto3, pynamodb, stripe or document renderers."""
