"""The OpenAPI document's shared parts: the one error shape, declared on every operation."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

ERROR_SCHEMA = {
    "type": "object",
    "description": "Every refusal: a code, the message the page shows (in the person's language), "
    "and the fields it concerns.",
    "properties": {
        "error": {
            "type": "object",
            "properties": {
                "code": {"type": "string"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}}},
            },
            "required": ["code", "message", "fields"],
        }
    },
    "required": ["error"],
}

ERRORS = {
    "400": _("A rule or a field refused the request; nothing was changed."),
    "401": _("No token, or an unknown or revoked one."),
    "403": _("Yours to see but not to do."),
    "404": _("Not found, or not yours to see."),
    "405": _("Method not allowed."),
    "409": _("Already done: nothing was changed."),
    "429": _("Too many requests with this token; wait a moment."),
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: the Error component and the error answers of every operation."""
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    reference = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path in result.get("paths", {}).values():
        for method, operation in path.items():
            if method not in ("get", "post", "put", "patch", "delete"):
                continue
            responses = operation.setdefault("responses", {})
            for code, description in ERRORS.items():
                responses.setdefault(code, {"description": str(description), "content": reference})
    return result
