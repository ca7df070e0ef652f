"""The JSON API: one NinjaAPI assembled from each app's `api.py` router.

Every error is JSON, `{"detail": "..."}`, and every operation's schema says so (401, 403,
404, 422). URLs under /api/ that match no operation get the same JSON from
`iptcare.core.errors`.
"""

from __future__ import annotations

import logging
from importlib import import_module
from typing import Any

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, ValidationError
from ninja.openapi.schema import OpenAPISchema
from ninja.security import django_auth

from iptcare.core.errors import RETRY_AFTER_SECONDS, UNAVAILABLE_DETAIL, database_unavailable

logger = logging.getLogger(__name__)

# (app, URL prefix) in the order their routes appear in the OpenAPI schema.
ROUTERS = [
    ("accounts", "/"),
    ("clients", "/clients"),
    ("courses", "/courses"),
    ("formulation", "/formulation"),
    ("measures", "/measures"),
    ("supervision", "/supervision"),
    ("reports", "/"),
]

# What every operation may answer besides its success, in the schema's words.
ERROR_ANSWERS = {
    401: "Not signed in.",
    403: "Signed in, but not allowed to do this (or two-step sign-in is not finished).",
    404: "No such record, or not one this user may see.",
    422: "A parameter does not validate; `errors` says which and why.",
}
ERROR_SCHEMA = {
    "title": "Error",
    "type": "object",
    "properties": {
        "detail": {"type": "string", "title": "What went wrong"},
        "errors": {
            "type": "array",
            "title": "Each parameter that did not validate (422 only)",
            "items": {"type": "object"},
        },
    },
    "required": ["detail"],
}


class IPTCareAPI(NinjaAPI):
    def get_openapi_schema(
        self, *, path_prefix: str | None = None, path_params: dict[str, Any] | None = None
    ) -> OpenAPISchema:
        schema = super().get_openapi_schema(path_prefix=path_prefix, path_params=path_params)
        schema.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
        error = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
        for path_item in schema["paths"].values():
            for operation in path_item.values():
                responses = operation.setdefault("responses", {})
                for status, description in ERROR_ANSWERS.items():
                    responses.setdefault(status, {"description": description, "content": error})
        return schema


api = IPTCareAPI(
    title="IPTCare API",
    version="1",
    urls_namespace="api",
    auth=django_auth,
    docs_url=None,  # the interactive docs load scripts from a CDN; the schema is enough
)
for app, prefix in ROUTERS:
    api.add_router(prefix, import_module(f"iptcare.{app}.api").router)


def _error(request: HttpRequest, detail: str, status: int, **more: Any) -> HttpResponse:
    return api.create_response(request, {"detail": detail, **more}, status=status)


@api.exception_handler(AuthenticationError)
def not_signed_in(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return _error(request, "Sign in first.", 401)


@api.exception_handler(PermissionDenied)
def not_allowed(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
    return _error(request, "You do not have permission to do this.", 403)


@api.exception_handler(Http404)
def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
    return _error(request, "Not found.", 404)


def _where(loc: list[Any] | tuple[Any, ...]) -> str:
    # ("query", "limit") reads "limit"; a body field's path reads "person.name".
    return ".".join(str(part) for part in loc[1:]) or ".".join(str(part) for part in loc)


@api.exception_handler(ValidationError)
def not_valid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    errors = list(exc.errors)
    detail = "; ".join(f"{_where(e.get('loc', ()))}: {e.get('msg', 'not valid')}" for e in errors)
    # Pydantic's error entries may hold the bad value and context objects: keep the plain
    # parts, so the answer is always JSON and never echoes more than the location.
    plain = [
        {"loc": list(e.get("loc", ())), "msg": str(e.get("msg", "")), "type": e.get("type", "")}
        for e in errors
    ]
    return _error(request, detail or "A parameter does not validate.", 422, errors=plain)


@api.exception_handler(Exception)
def failed(request: HttpRequest, exc: Exception) -> HttpResponse:
    if database_unavailable(exc):
        logger.error("Database unavailable: %s", type(exc).__name__)
        response = _error(request, UNAVAILABLE_DETAIL, 503)
        response["Retry-After"] = RETRY_AFTER_SECONDS
        return response
    logger.error("API error on %s", request.path, exc_info=exc)
    return _error(request, "Something went wrong on our side.", 500)
