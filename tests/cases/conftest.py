"""The case engine is exercised through its first case type, service requests."""

from tests.requests.conftest import _fast_passwords, flow, world  # noqa: F401
