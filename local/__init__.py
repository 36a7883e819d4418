"""Local mode: emulators, provisioning and an API Gateway emulation around the real handlers."""
