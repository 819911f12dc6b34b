"""Helpers for calling the API as a cast member with a personal access token."""

from __future__ import annotations

import json
from typing import Any

import pytest
from django.test import Client

from tandem.api import services


class ApiClient:
    """A JSON client that sends ``Authorization: Bearer`` when it has a token."""

    def __init__(self, client: Client, raw_token: str | None = None) -> None:
        self.client = client
        self.raw_token = raw_token

    def _headers(self) -> dict[str, str]:
        return {"HTTP_AUTHORIZATION": f"Bearer {self.raw_token}"} if self.raw_token else {}

    def get(self, path: str, **params: Any) -> Any:
        return self.client.get("/api/v1" + path, params, **self._headers())

    def _send(self, method: str, path: str, body: Any = None, raw: str | None = None) -> Any:
        data = raw if raw is not None else ("" if body is None else json.dumps(body))
        call = getattr(self.client, method)
        return call("/api/v1" + path, data=data, content_type="application/json", **self._headers())

    def post(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send("post", path, body, **kw)

    def patch(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send("patch", path, body, **kw)

    def put(self, path: str, body: Any = None, **kw: Any) -> Any:
        return self._send("put", path, body, **kw)

    def delete(self, path: str) -> Any:
        return self.client.delete("/api/v1" + path, **self._headers())


@pytest.fixture
def api_as(cast):
    """``api_as("coordinator")`` → an ApiClient using a fresh token of that cast member."""

    def _api_as(name: str | None) -> ApiClient:
        if name is None or name == "anonymous":
            return ApiClient(Client())
        _, raw = services.create_token(cast.actor(name), name=f"{name} test token")
        return ApiClient(Client(), raw)

    return _api_as


def field_errors(response: Any) -> dict[str | None, list[str]]:
    """The 422 body as {field: [messages]}."""
    out: dict[str | None, list[str]] = {}
    for e in response.json()["errors"]:
        out.setdefault(e["field"], []).append(e["message"])
    return out
