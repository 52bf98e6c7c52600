"""The one error shape for every refusal, and an OpenAPI document that says so for every operation.

Starlette's own refusals (a body it cannot read, an unknown path, a wrong method) answered ``{"detail": …}``
and FastAPI documented its ``{"detail": [...]}`` 422 that the centre never sends. Here both become
``{code, message, hint}`` (``ErrorBody``), in the answers and in the document.
"""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.openapi.utils import get_openapi
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

_ERROR = {"application/json": {"schema": {"$ref": "#/components/schemas/ErrorBody"}}}
# Every operation can meet these; which ones depends on whether it takes a body or a token.
_ALWAYS = {
    "422": "a parameter or the body is refused: the rule's code (phone_format, since…), or invalid_request",
    "500": "internal_error: a fault at the centre, nothing of it kept (with an incident number)",
    "503": "busy / database_unavailable: nothing was decided, retry later",
}
_WITH_BODY = {
    "400": "body_unreadable: the body is not UTF-8 JSON",
    "413": "body_too_large: past 64 KB (a batch: 4 MB), refused before anything else",
}
_WITH_TOKEN = {"401": "token_missing / token_invalid / token_expired, device_disabled, operator_disabled"}
_FASTAPI_ONLY = ("HTTPValidationError", "ValidationError")

_HTTP_CODES = {
    400: ("body_unreadable", "请求内容无法读取：应为 UTF-8 编码的 JSON", "请检查发送方"),
    404: ("not_found", "没有这个接口地址", "接口见 /openapi.json"),
    405: ("method_not_allowed", "此接口地址不接受这种请求方法", "接口见 /openapi.json"),
}


async def http_error(request: Request, exc: Exception) -> JSONResponse:
    """Starlette's refusals in the centre's shape, with their headers (a 405's ``Allow``)."""
    assert isinstance(exc, HTTPException)
    code, message, hint = _HTTP_CODES.get(
        exc.status_code, (f"http_{exc.status_code}", f"请求未处理（HTTP {exc.status_code}）", "")
    )
    body = {"code": code, "message": message} | ({"hint": hint} if hint else {})
    return JSONResponse(body, status_code=exc.status_code, headers=exc.headers)


def document(app: FastAPI) -> dict[str, Any]:
    """``app.openapi``: FastAPI's document with every operation's refusals declared as ``ErrorBody``."""
    if app.openapi_schema:
        return app.openapi_schema
    doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
    for operations in doc["paths"].values():
        for operation in operations.values():
            answers = operation["responses"]
            extra = dict(_ALWAYS)
            if "requestBody" in operation:
                extra |= _WITH_BODY
            if "security" in operation:
                extra |= _WITH_TOKEN
            for status, description in extra.items():
                declared = answers.get(status, {})
                if "HTTPValidationError" in str(declared):
                    declared = {}  # FastAPI's {"detail": [...]}, which the centre never sends
                if "content" not in declared:
                    answers[status] = {
                        "description": declared.get("description", description),
                        "content": _ERROR,
                    }
    schemas = doc["components"]["schemas"]
    for name in _FASTAPI_ONLY:
        schemas.pop(name, None)
    app.openapi_schema = doc
    return doc
