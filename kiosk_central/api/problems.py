"""Request problems as answers: one body shape for a schema's refusal, whole request or one batch message."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from fastapi.encoders import jsonable_encoder

from kiosk_central.services import wire


def _where(error: dict[str, Any]) -> str:
    return ".".join(str(p) for p in error.get("loc", ()) if p != "body")


def validation_body(errors: Sequence[Any]) -> dict[str, Any]:
    """``{code, message, hint, errors}``: a counter rule's own code (``phone_format``) when one refused it.

    The message names the field. Errors echo the input, so they are scrubbed (a lone surrogate cannot be
    encoded, a 5 000-character value is cut) before they go back.
    """
    coded = [e for e in errors if (e.get("ctx") or {}).get("rule")]
    if coded:
        first = coded[0]
        code, hint = str(first["type"]), str(first["ctx"].get("hint") or "请检查该字段")
        message = f"{_where(first)}：{first['ctx']['message']}".lstrip("：")
    else:
        where = "、".join(_where(e) for e in errors[:5])
        code, hint = "invalid_request", "请检查字段名称和格式"
        message = f"请求内容不完整或格式不对：{where}"
    # A body that is not JSON is echoed as bytes, which need not be UTF-8.
    encoded = jsonable_encoder(list(errors), exclude={"ctx", "url"}, custom_encoder={bytes: _text})
    detail: list[dict[str, Any]] = wire.scrub(encoded)
    return {"code": code, "message": wire.scrub(message), "hint": hint, "errors": detail}


def _text(raw: bytes) -> str:
    return raw.decode("utf-8", errors="replace")
