"""A Django test client that speaks to /api/v1 as one user with a bearer token."""

import json

from django.test import Client

from gongzhi.accounts import services as accounts


class ApiClient:
    """`ApiClient(user).get("/residents")` → response; JSON bodies, Authorization set."""

    def __init__(self, user):
        self.user = user
        self.token = accounts.issue_token(user)
        self.client = Client()

    def _call(self, method, path, data=None, if_match=None, **params):
        headers = {"HTTP_AUTHORIZATION": f"Bearer {self.token}"}
        if if_match is not None:
            headers["HTTP_IF_MATCH"] = if_match
        url = "/api/v1" + path
        fn = getattr(self.client, method)
        if method in ("get", "delete"):
            return fn(url, params, **headers) if method == "get" else fn(url + _query(params), **headers)
        return fn(url + _query(params), json.dumps(data or {}), content_type="application/json", **headers)

    def get(self, path, **params):
        return self._call("get", path, **params)

    def post(self, path, data=None, **kw):
        return self._call("post", path, data, **kw)

    def put(self, path, data=None, **kw):
        return self._call("put", path, data, **kw)

    def patch(self, path, data=None, **kw):
        return self._call("patch", path, data, **kw)

    def delete(self, path, **kw):
        return self._call("delete", path, **kw)


def _query(params):
    from urllib.parse import urlencode

    return "?" + urlencode(params) if params else ""


def errors(response) -> dict:
    """{field: message} of a 422 answer."""
    assert response.status_code == 422, response.content
    return {e["field"]: e["message"] for e in response.json()["detail"]}
