"""Serverless billing backend: the shared package shipped in the Lambda layer."""
