"""The OpenAPI 3.1 description of /api/v1/, written by hand (tests/api/test_openapi.py validates it and checks
that every route of public/api_urls.py is in it)."""

from __future__ import annotations

import copy
import functools


def _nullable(schema: dict) -> dict:
    return {"oneOf": [schema, {"type": "null"}]}


def _ref(name: str) -> dict:
    return {"$ref": f"#/components/schemas/{name}"}


def _object(properties: dict, *, required: list[str] | None = None) -> dict:
    return {
        "type": "object",
        "properties": properties,
        "required": list(properties) if required is None else required,
        "additionalProperties": False,
    }


STRING = {"type": "string"}
NULLABLE_STRING = {"type": ["string", "null"]}
NULLABLE_URI = {"type": ["string", "null"], "format": "uri"}

SCHEMAS = {
    "Error": _object(
        {
            "error": _object(
                {
                    "code": {**STRING, "examples": ["invalid_coordinate"]},
                    "message": {**STRING, "description": "In the language of the request."},
                    "field": {**NULLABLE_STRING, "description": "The parameter at fault, if one is."},
                }
            )
        }
    ),
    "Phone": _object(
        {
            "e164": {**STRING, "examples": ["+14505550142"]},
            "display": {**STRING, "examples": ["450 555-0142"]},
        }
    ),
    "Officer": _object(
        {
            "id": {"type": "integer"},
            "name": STRING,
            "role": {"type": "string", "enum": ["constable", "supervisor", "civilian", "social_worker"]},
            "role_label": STRING,
            "photo_url": NULLABLE_URI,
            "phone": _nullable(_ref("Phone")),
            "email": {"type": ["string", "null"], "format": "email"},
            "languages": {"type": "array", "items": _object({"code": STRING, "name": STRING})},
            "patrol_modes": {
                "type": "array",
                "items": _object(
                    {"code": {"type": "string", "enum": ["foot", "bike", "car"]}, "label": STRING}
                ),
            },
            "vcard_url": NULLABLE_URI,
        }
    ),
    "Sector": _object(
        {
            "code": STRING,
            "name": STRING,
            "municipality": STRING,
            "borough": STRING,
            "url": {**NULLABLE_URI, "description": "The sector's page on the public site."},
        }
    ),
    "Availability": _object(
        {
            "status": {"type": "string", "enum": ["covered", "backup", "away", "vacant"]},
            "label": STRING,
            "away_until": {
                "type": ["string", "null"],
                "format": "date",
                "description": "When the sector's officer is away: their last day away.",
            },
            "covered_by": _nullable(_object({"id": {"type": "integer"}, "name": STRING})),
            "message": NULLABLE_STRING,
        }
    ),
    "Address": _object(
        {
            "id": {
                "type": ["integer", "null"],
                "description": "Null for an address found by the outside geocoder: follow it up by its point.",
            },
            "label": STRING,
            "postal_code": STRING,
            "lon": {"type": "number"},
            "lat": {"type": "number"},
        }
    ),
    "Lookup": _object(
        {
            "outcome": {"type": "string", "enum": ["found", "choose", "not_found", "outside"]},
            "message": NULLABLE_STRING,
            "address": _nullable(_ref("Address")),
            "sector": _nullable(_ref("Sector")),
            "availability": _nullable(_ref("Availability")),
            "officers": {
                "type": "array",
                "items": _ref("Officer"),
                "description": "Who residents reach today first, then the sector's other officers.",
            },
            "choices": {"type": "array", "items": _ref("Address")},
            "non_emergency_phone": _object({"display": STRING, "tel": STRING}),
        }
    ),
    "OfficerWithSectors": {
        "allOf": [
            _ref("Officer"),
            {
                "type": "object",
                "properties": {
                    "sectors": {
                        "type": "array",
                        "items": {
                            "allOf": [
                                _ref("Sector"),
                                {
                                    "type": "object",
                                    "properties": {
                                        "role_in_sector": {
                                            "type": "string",
                                            "enum": ["primary", "secondary"],
                                        },
                                        "role_in_sector_label": STRING,
                                    },
                                },
                            ]
                        },
                    }
                },
                "required": ["sectors"],
            },
        ]
    },
    "Geometry": {
        "type": "object",
        "properties": {
            "type": {"type": "string", "enum": ["Polygon", "MultiPolygon"]},
            "coordinates": {"type": "array"},
        },
        "required": ["type", "coordinates"],
    },
    "SectorProperties": {
        "type": "object",
        "properties": {
            "code": STRING,
            "name": STRING,
            "municipality": STRING,
            "borough": STRING,
            "population": {"type": "integer"},
            "programme_started_on": {"type": ["string", "null"], "format": "date"},
            "is_active": {"type": "boolean"},
        },
        "required": ["code", "name", "municipality", "borough"],
    },
    "SectorFeatureCollection": _object(
        {
            "type": {"const": "FeatureCollection"},
            "features": {
                "type": "array",
                "items": _object(
                    {
                        "type": {"const": "Feature"},
                        "id": STRING,
                        "properties": _ref("SectorProperties"),
                        "geometry": _ref("Geometry"),
                    }
                ),
            },
        }
    ),
    "SectorFeature": _object(
        {
            "type": {"const": "Feature"},
            "id": STRING,
            "geometry": _ref("Geometry"),
            "properties": {
                "allOf": [
                    _ref("SectorProperties"),
                    {
                        "type": "object",
                        "properties": {
                            "url": NULLABLE_URI,
                            "availability": _ref("Availability"),
                            "officers": {"type": "array", "items": _ref("Officer")},
                        },
                        "required": ["url", "availability", "officers"],
                    },
                ]
            },
        }
    ),
}

LANG = {
    "name": "lang",
    "in": "query",
    "required": False,
    "description": "The language of labels and messages; without it, Accept-Language decides (default fr).",
    "schema": {"type": "string", "enum": ["fr", "en"]},
}
ACCEPT_LANGUAGE = {
    "name": "Accept-Language",
    "in": "header",
    "required": False,
    "schema": {"type": "string", "examples": ["en-CA,en;q=0.9"]},
}
RATE_HEADERS = {
    name: {"description": description, "schema": {"type": schema}}
    for name, description, schema in (
        ("RateLimit-Limit", "Requests allowed per window.", "integer"),
        ("RateLimit-Remaining", "Requests left in this window.", "integer"),
        ("RateLimit-Reset", "Seconds until the window ends.", "integer"),
        ("RateLimit-Policy", "The limit and the window, e.g. 120;w=60.", "string"),
    )
}
CACHE_HEADERS = {
    "ETag": {"description": "Strong validator; send it back in If-None-Match.", "schema": STRING},
    "Cache-Control": {"description": "public, max-age=…", "schema": STRING},
}


def _error_response(description: str) -> dict:
    return {"description": description, "content": {"application/json": {"schema": _ref("Error")}}}


ERRORS = {
    "400": _error_response("A parameter is missing, unknown, repeated or malformed; `field` names it."),
    "405": _error_response("Only GET, HEAD and OPTIONS are allowed."),
    "429": {
        **_error_response("Too many requests from this client; wait Retry-After seconds."),
        "headers": {"Retry-After": {"schema": {"type": "integer"}}, **RATE_HEADERS},
    },
}


def _get(summary: str, schema: dict, *, parameters=(), media="application/json", errors=("400",), extra=None):
    responses = {
        "200": {
            "description": "OK",
            "headers": {**CACHE_HEADERS, **RATE_HEADERS},
            "content": {media: {"schema": schema}},
        },
        "304": {"description": "Not modified: the ETag given in If-None-Match still holds."},
        **{code: ERRORS[code] for code in (*errors, "405", "429")},
        **(extra or {}),
    }
    return {
        "get": {
            "summary": summary,
            "parameters": [*parameters, LANG, ACCEPT_LANGUAGE],
            "responses": responses,
        }
    }


def _query(name: str, description: str, schema: dict) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description, "schema": schema}


PATHS = {
    "/": _get(
        "What this API offers, with links to every endpoint and to this document.",
        _object(
            {
                "name": STRING,
                "version": STRING,
                "links": {"type": "object", "additionalProperties": {"type": "string"}},
            }
        ),
    ),
    "/lookup": _get(
        "A resident's sector and who answers there today, from a point, an address or an address id. "
        "Give exactly one of: lon and lat, q, address.",
        _ref("Lookup"),
        parameters=[
            _query(
                "lon",
                "Longitude, WGS84 decimal degrees.",
                {"type": "number", "minimum": -180, "maximum": 180},
            ),
            _query(
                "lat", "Latitude, WGS84 decimal degrees.", {"type": "number", "minimum": -90, "maximum": 90}
            ),
            _query(
                "q",
                "An address as a resident types it.",
                {"type": "string", "minLength": 1, "maxLength": 200},
            ),
            _query(
                "address",
                "An address id from a previous answer's choices.",
                {"type": "integer", "minimum": 0},
            ),
        ],
    ),
    "/sectors.geojson": _get(
        "Every active sector, simplified for web maps.",
        _ref("SectorFeatureCollection"),
        parameters=[
            _query("include_inactive", "1: inactive sectors too (staff only).", {"enum": ["0", "1"]})
        ],
        media="application/geo+json",
        extra={"403": _error_response("Inactive sectors are for staff only.")},
    ),
    "/sectors/{code}": _get(
        "One active sector: its boundary, who answers there today and its published team.",
        _ref("SectorFeature"),
        parameters=[
            {"name": "code", "in": "path", "required": True, "schema": {"type": "string", "maxLength": 32}}
        ],
        media="application/geo+json",
        errors=(),
        extra={"404": _error_response("No active sector has this code.")},
    ),
    "/sectors/locate": _get(
        "The sector of a point, nothing more.",
        _object(
            {
                "sector": _object(
                    {"code": STRING, "name": STRING, "municipality": STRING, "borough": STRING}
                ),
                "rule": {"type": "string", "enum": ["inside", "boundary", "nearby"]},
            }
        ),
        parameters=[
            {**_query("lon", "Longitude.", {"type": "number"}), "required": True},
            {**_query("lat", "Latitude.", {"type": "number"}), "required": True},
        ],
        extra={"404": _error_response("The point is outside the territory.")},
    ),
    "/officers": _get(
        "Every officer who consented to be published, with the sectors they serve today.",
        _object({"officers": {"type": "array", "items": _ref("OfficerWithSectors")}}),
    ),
    "/openapi.json": _get(
        "This document.", {"type": "object"}, media="application/vnd.oai.openapi+json", errors=()
    ),
}


@functools.lru_cache(maxsize=8)
def _document(server_url: str) -> dict:
    return {
        "openapi": "3.1.0",
        "info": {
            "title": "Proximity public API",
            "version": "1.0.0",
            "description": (
                "Read-only. Which sector a resident lives in and which community police officer they reach "
                "today. Only what officers consented to publish. Errors are JSON: "
                '{"error": {"code", "message", "field"}}. Requests are limited per client (429 with '
                "Retry-After); answers carry an ETag and Cache-Control."
            ),
        },
        "servers": [{"url": server_url}],
        "paths": PATHS,
        "components": {"schemas": SCHEMAS},
    }


def openapi_document(*, server_url: str = "/api/v1") -> dict:
    return copy.deepcopy(_document(server_url))
