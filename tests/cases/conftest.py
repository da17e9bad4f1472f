"""The case engine is exercised through its first case type, service requests."""

from tests.requests.conftest import flow, world  # noqa: F401
