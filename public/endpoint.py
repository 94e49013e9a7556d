"""How every view of the read-only public API (/api/v1/) behaves, whatever it answers (public/api.py).

`endpoint()` wraps each view: GET, HEAD and OPTIONS only; a per-client rate limit; the language from ?lang= or
Accept-Language (the language cookie is ignored: shared caches vary on Accept-Language only); strict
parameters (an unknown, repeated or malformed one is a 400 that names it, never a 500); JSON errors
`{"error": {"code", "message", "field"}}`; a strong ETag with 304 answers, and Cache-Control. The readers of
the parameters' values (`read_coordinate`, `read_query_text`, `read_address_id`) raise the same 400s.
"""

from __future__ import annotations

import functools
import hashlib
import json
import math
import re
import unicodedata
from dataclasses import dataclass

from django.conf import settings
from django.http import HttpResponse
from django.utils import translation
from django.utils.cache import patch_vary_headers
from django.utils.translation import gettext as _
from django.utils.translation.trans_real import parse_accept_lang_header

from .ratelimit import rate_limit_hit

ALLOWED_METHODS = ("GET", "HEAD", "OPTIONS")
MAX_QUERY_LENGTH = 200
# Addresses never hold these; in a query they are someone testing for injection, not a resident.
FORBIDDEN_IN_QUERY = set("<>{}[]`\\")
_NUMBER = re.compile(r"^[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]{1,3})?$")
_ADDRESS_ID = re.compile(r"^[0-9]{1,12}$")

API_CONTENT_SECURITY_POLICY = "default-src 'none'; frame-ancestors 'none'"


class ApiError(Exception):
    def __init__(self, code: str, message, *, field: str | None = None, status: int = 400):
        super().__init__(code)
        self.code, self.message, self.field, self.status = code, str(message), field, status


@dataclass(frozen=True)
class Prepared:
    """A body already serialised (and cached as such), with its ETag."""

    body: bytes
    etag: str
    content_type: str = "application/json"


def endpoint(*, params: tuple[str, ...] = (), max_age: int, content_type: str = "application/json"):
    """The common behaviour of every API view (see the module's docstring). The view returns JSON-able data
    or a `Prepared` body, or raises ApiError."""
    allowed = frozenset((*params, "lang"))

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            if request.method not in ALLOWED_METHODS:
                with translation.override(accept_language(request)):
                    response = error_response(
                        ApiError(
                            "method_not_allowed",
                            _("This API only reads: use GET, HEAD or OPTIONS."),
                            status=405,
                        )
                    )
                response["Allow"] = ", ".join(ALLOWED_METHODS)
                return response
            if request.method == "OPTIONS":
                response = HttpResponse(status=204)
                response["Allow"] = ", ".join(ALLOWED_METHODS)
                return response
            limit = rate_limit_hit(request)
            language = accept_language(request)
            with translation.override(language):
                try:
                    if limit is not None and not limit.allowed:
                        raise ApiError(
                            "rate_limited",
                            _("Too many requests. Try again in %(seconds)d seconds.")
                            % {"seconds": limit.reset},
                            status=429,
                        )
                    language = _check_params(request, allowed) or language
                    translation.activate(language)
                    result = view(request, *args, **kwargs)
                    response = _ok(request, result, max_age=max_age, content_type=content_type)
                except ApiError as error:
                    response = error_response(error)
            if limit is not None:
                for header, value in limit.headers().items():
                    response[header] = value
                if not limit.allowed:
                    response["Retry-After"] = str(limit.reset)
            response["Content-Language"] = language
            # JSON is never a page: nothing may load from it or frame it (OWASP's advice for APIs). Being
            # set here, the site's page policy is not built for API answers (config/middleware.py).
            response["Content-Security-Policy"] = API_CONTENT_SECURITY_POLICY
            patch_vary_headers(response, ("Accept-Language",))
            return response

        wrapper.api_params = allowed
        return wrapper

    return decorate


# --- parameters ------------------------------------------------------------------------------------------


def _check_params(request, allowed: frozenset) -> str | None:
    """Unknown and repeated parameters are refused; returns the language asked with ?lang=, if any."""
    for name in request.GET:
        if name not in allowed:
            raise ApiError(
                "unknown_parameter", _("Unknown parameter: %(name)s.") % {"name": name[:40]}, field=name[:40]
            )
        if len(request.GET.getlist(name)) > 1:
            raise ApiError("repeated_parameter", _("Give this parameter only once."), field=name)
    language = request.GET.get("lang")
    if language is None:
        return None
    if language not in dict(settings.LANGUAGES):
        raise ApiError(
            "invalid_language",
            _("The language must be one of: %(languages)s.")
            % {"languages": ", ".join(dict(settings.LANGUAGES))},
            field="lang",
        )
    return language


def accept_language(request) -> str:
    header = request.META.get("HTTP_ACCEPT_LANGUAGE", "")
    for code, _quality in parse_accept_lang_header(header[:200]) if header else ():
        if code == "*":
            break
        try:
            return translation.get_supported_language_variant(code)
        except LookupError:
            continue
    return settings.LANGUAGE_CODE


def read_coordinate(query, name: str, bound: int) -> float:
    text = query.get(name)
    if text is None or not text.strip():
        raise ApiError(
            "missing_parameter", _("Give the point as lon and lat in decimal degrees."), field=name
        )
    text = text.strip()
    if len(text) > 32 or not _NUMBER.match(text):
        raise ApiError(
            "invalid_coordinate", _("Give the point as lon and lat in decimal degrees."), field=name
        )
    value = float(text)
    if not math.isfinite(value) or not -bound <= value <= bound:
        raise ApiError(
            "coordinate_out_of_range",
            _("lon must be within -180..180 and lat within -90..90."),
            field=name,
        )
    return value


def read_query_text(text: str) -> str:
    if not text.strip():
        raise ApiError(
            "empty_query", _("Type an address, for example “150 rue Saint-Charles Ouest”."), field="q"
        )
    if len(text) > MAX_QUERY_LENGTH:
        raise ApiError(
            "query_too_long",
            _("This address is too long: %(max)d characters at most.") % {"max": MAX_QUERY_LENGTH},
            field="q",
        )
    if "\ufffd" in text:
        # What Django makes of bytes that are not UTF-8.
        raise ApiError("invalid_encoding", _("The address must be text encoded in UTF-8."), field="q")
    if any(c in FORBIDDEN_IN_QUERY or unicodedata.category(c) in ("Cc", "Cs", "Co", "Cn") for c in text):
        raise ApiError(
            "invalid_characters", _("This address contains characters that addresses never have."), field="q"
        )
    return text


def read_address_id(text: str) -> int:
    if not _ADDRESS_ID.match(text.strip()):
        raise ApiError("invalid_address_id", _("The address id must be a whole number."), field="address")
    return int(text)


# --- responses -------------------------------------------------------------------------------------------


def prepare(data, content_type: str = "application/json") -> Prepared:
    body = json.dumps(data, ensure_ascii=False, separators=(",", ":"), allow_nan=False).encode()
    return Prepared(body, f'"{hashlib.blake2b(body, digest_size=16).hexdigest()}"', content_type)


def _ok(request, result, *, max_age: int, content_type: str) -> HttpResponse:
    prepared = result if isinstance(result, Prepared) else prepare(result, content_type)
    if _etag_matches(request.META.get("HTTP_IF_NONE_MATCH"), prepared.etag):
        response = HttpResponse(status=304)
    else:
        response = HttpResponse(
            b"" if request.method == "HEAD" else prepared.body,
            content_type=f"{prepared.content_type}; charset=utf-8"
            if prepared.content_type == "application/json"
            else prepared.content_type,
        )
        if request.method == "HEAD":
            response["Content-Length"] = str(len(prepared.body))
    response["ETag"] = prepared.etag
    # The staff-only layer (inactive sectors) must not land in a shared cache.
    scope = "private" if request.GET.get("include_inactive") == "1" else "public"
    response["Cache-Control"] = f"{scope}, max-age={max_age}"
    return response


def _etag_matches(header: str | None, etag: str) -> bool:
    if not header:
        return False
    if header.strip() == "*":
        return True
    # If-None-Match compares weakly (RFC 9110 §13.1.2): W/"x" matches "x".
    return any(tag.strip().removeprefix("W/") == etag for tag in header.split(","))


def error_response(error: ApiError) -> HttpResponse:
    body = {"error": {"code": error.code, "message": error.message, "field": error.field}}
    response = HttpResponse(
        json.dumps(body, ensure_ascii=False).encode(),
        content_type="application/json; charset=utf-8",
        status=error.status,
    )
    response["Cache-Control"] = "no-store"
    return response
