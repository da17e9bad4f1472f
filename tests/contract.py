"""Every answer the test suite receives is checked against the OpenAPI documents.

Two documents describe the JSON the server speaks: the one django-ninja generates for /api/v1
(`api.get_openapi_schema()`) and docs/open311-openapi.json, written by hand for /open311/v2.
`checked_request` wraps django.test.Client.request (conftest.py installs it for every test), so
each call any test makes through Django's test client — `client`, `Client()`, tests/api_client.py
— is matched to an operation by method and path. For a documented operation:

- the status must be one the operation documents (an undocumented 500, 405 or 429 fails the test);
- a documented JSON answer must come with a JSON content type;
- a JSON body must validate against the schema documented for that status, formats included.

Paths and methods no document describes (web pages, /api/v1/openapi.json, a typo under /api/v1)
are not checked. Validators are compiled once per operation and status, so a run pays for the
validation itself and little else (docs/decisions/0013-contract-tests.md).

Opt out a test with `@pytest.mark.no_contract` — only for a test that deliberately looks at an
answer the documents do not describe.
"""

import json
import re
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

from django.test.client import Client
from jsonschema import Draft4Validator, Draft202012Validator, FormatChecker

OPEN311_DOCUMENT = Path(__file__).resolve().parents[1] / "docs" / "open311-openapi.json"
_ORIGINAL_REQUEST = Client.request
_JSON = re.compile(r"^application/([\w.+-]+\+)?json$")


class ContractViolation(AssertionError):
    """An answer that does not match the document describing its operation."""


@dataclass
class Operation:
    """One method of one documented path: its responses and, compiled on first use, a
    validator per status."""

    document: dict
    responses: dict
    validators: dict = field(default_factory=dict)

    def response(self, status: int) -> dict | None:
        for key in (str(status), f"{str(status)[0]}XX", "default"):
            if key in self.responses:
                return self._deref(self.responses[key])
        return None

    def validator(self, status: int, media_type: str):
        key = (status, media_type)
        if key not in self.validators:
            content = self.response(status).get("content") or {}
            schema = (content.get(media_type) or content.get("application/json") or {}).get("schema")
            self.validators[key] = None if schema is None else _compile(self.document, schema)
        return self.validators[key]

    def _deref(self, obj: dict) -> dict:
        # A response may be a $ref to components/responses (docs/open311-openapi.json does it).
        while "$ref" in obj:
            node = self.document
            for part in obj["$ref"].removeprefix("#/").split("/"):
                node = node[part]
            obj = node
        return obj


def _compile(document: dict, schema: dict):
    """A validator for `schema` whose "#/components/…" references resolve in `document`:
    the components ride along in the root, where a JSON pointer from "#" finds them."""
    root = {**schema, "components": document.get("components", {})}
    # OpenAPI 3.1 schemas are JSON Schema 2020-12; 3.0 is the Draft 4 dialect (boolean
    # exclusiveMinimum and the like).
    cls = Draft202012Validator if document["openapi"].startswith("3.1") else Draft4Validator
    return cls(root, format_checker=FormatChecker())


class Contract:
    """The operations of one or more OpenAPI documents, looked up by method and request path."""

    def __init__(self, *documents: dict):
        self.routes: list[tuple[re.Pattern, dict[str, Operation]]] = []
        for document in documents:
            prefix = _server_prefix(document)
            for template, item in document["paths"].items():
                pattern = re.escape(prefix + template)
                pattern = re.sub(r"\\\{[^/]+?\\\}", "[^/]+", pattern)
                methods = {
                    # ninja's document keys statuses by int until it is serialised
                    method.upper(): Operation(document, {str(k): v for k, v in operation["responses"].items()})
                    for method, operation in item.items()
                    if isinstance(operation, dict) and "responses" in operation
                }
                self.routes.append((re.compile(f"^{pattern}$"), methods))

    def operation(self, method: str, path: str) -> Operation | None:
        for pattern, methods in self.routes:
            if pattern.match(path):
                return methods.get(method.upper())
        return None

    def check(self, method: str, path: str, response) -> None:
        """Raise ContractViolation if the answer breaks the document; do nothing for an
        operation no document describes."""
        operation = self.operation(method, path)
        if operation is None:
            return
        status = response.status_code
        where = f"{method} {path} → {status}"
        documented = operation.response(status)
        if documented is None:
            raise ContractViolation(
                f"{where}: status not documented (documented: {', '.join(map(str, operation.responses))})\n"
                f"{_preview(response)}"
            )
        content_type = response.get("Content-Type", "")
        media_type = content_type.split(";")[0].strip().lower()
        declared = documented.get("content") or {}
        body = getattr(response, "content", b"") if not getattr(response, "streaming", False) else b""
        if not _JSON.match(media_type):
            if any(_JSON.match(m) for m in declared) and body:
                raise ContractViolation(f"{where}: documented as JSON, answered {content_type!r}\n{_preview(response)}")
            return
        if not body:
            return
        validator = operation.validator(status, media_type)
        if validator is None:
            if declared:
                raise ContractViolation(f"{where}: JSON body where the document declares {list(declared)}")
            raise ContractViolation(f"{where}: JSON body where the document declares none\n{_preview(response)}")
        error = next(iter(validator.iter_errors(json.loads(body))), None)
        if error is not None:
            location = "/".join(str(p) for p in error.absolute_path) or "(root)"
            raise ContractViolation(
                f"{where}: body does not match the documented schema at {location}: {error.message}"
            )


def _server_prefix(document: dict) -> str:
    servers = document.get("servers") or []
    url = servers[0].get("url", "") if servers else ""
    return re.sub(r"^[a-z]+://[^/]+", "", url).rstrip("/")


def _preview(response) -> str:
    content = b"" if getattr(response, "streaming", False) else response.content
    return content[:300].decode("utf-8", "replace")


@cache
def contract() -> Contract:
    """Both documents, loaded once per test process (django must be set up: ninja builds its
    document from the registered routes)."""
    from gongzhi.api import api

    return Contract(api.get_openapi_schema(), json.loads(OPEN311_DOCUMENT.read_text(encoding="utf-8")))


def checked_request(self, **request):
    """Client.request, then the contract check on the answer. Every hop of `follow=True`
    comes through here too: the client follows redirects by calling request again."""
    response = _ORIGINAL_REQUEST(self, **request)
    contract().check(request.get("REQUEST_METHOD", "GET"), request.get("PATH_INFO", ""), response)
    return response
