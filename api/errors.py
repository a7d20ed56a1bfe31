"""Every refusal of the API in one JSON shape, with the message the page would show:

    {"error": {"code": "rule_violation", "message": "只有草稿或被退回的报告才能报送。", "fields": {}}}

A domain rule broken (``RuleViolation``) is a 400 with its translated message and the fields it
names; a change already made (``AlreadyDone``: a second click, a colleague first) a 409; an unknown
or revoked token a 401; a record outside the person's ``for_user`` a 404; one they may see but not act
on a 403; too many requests a 429.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404
from django.utils.translation import gettext as _
from rest_framework import exceptions, status
from rest_framework.response import Response
from rest_framework.views import exception_handler, set_rollback

from core.errors import AlreadyDone, rule_messages


def error_body(code: str, message: str, fields: dict | None = None) -> dict:
    return {"error": {"code": code, "message": message, "fields": fields or {}}}


def _flat(detail) -> list[str]:
    if isinstance(detail, dict):
        return [message for value in detail.values() for message in _flat(value)]
    if isinstance(detail, list):
        return [message for value in detail for message in _flat(value)]
    return [str(detail)]


def _fields(detail) -> dict[str, list[str]]:
    if not isinstance(detail, dict):
        return {}
    return {str(name): _flat(value) for name, value in detail.items()}


def _rule_response(error: DjangoValidationError) -> Response:
    fields = {}
    if hasattr(error, "error_dict"):
        fields = {name: [m for item in items for m in item.messages] for name, items in error.error_dict.items()}
    messages = rule_messages(error)
    code = "already_done" if isinstance(error, AlreadyDone) else "rule_violation"
    response_status = status.HTTP_409_CONFLICT if isinstance(error, AlreadyDone) else status.HTTP_400_BAD_REQUEST
    return Response(error_body(code, " ".join(messages), fields), status=response_status)


def api_exception_handler(exc, context):
    if isinstance(exc, DjangoValidationError):  # RuleViolation from a service
        set_rollback()
        return _rule_response(exc)
    if isinstance(exc, Http404):
        exc = exceptions.NotFound(*exc.args)
    elif isinstance(exc, PermissionDenied):
        exc = exceptions.PermissionDenied(*exc.args)
    response = exception_handler(exc, context)
    if response is None:
        return None  # a bug: Django's 500, logged as any other
    if isinstance(exc, exceptions.ValidationError):
        fields = _fields(exc.detail)
        listed = _flat(exc.detail)
        message = (
            listed[0] if not fields or set(fields) == {"non_field_errors"} else _("Please correct the marked fields.")
        )
        response.data = error_body("invalid", message, {k: v for k, v in fields.items() if k != "non_field_errors"})
        return response
    if isinstance(exc, exceptions.NotFound) or response.status_code == status.HTTP_404_NOT_FOUND:
        response.data = error_body("not_found", _("Not found, or not yours to see."))
        return response
    codes = exc.get_codes() if isinstance(exc, exceptions.APIException) else "error"
    code = codes if isinstance(codes, str) else "error"
    response.data = error_body(code, " ".join(_flat(getattr(exc, "detail", str(exc)))))
    return response
