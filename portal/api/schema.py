"""OpenAPI post-processing: every operation documents the error answers the API really gives.

drf-spectacular documents the success answer only; the deny-by-default permissions, validation and
the exception handler (portal.api.exceptions) add 400, 401, 403, 404, 409, 413 and 429, each as
JSON `{"detail": ...}` or field errors. Declaring them keeps clients, and the schemathesis fuzzing
in the test suite, honest about what a caller must handle.
"""

ERROR_SCHEMA_NAME = "Error"
ERROR_SCHEMA = {
    "type": "object",
    "description": '`{"detail": "..."}`, or field names mapped to lists of messages.',
    "properties": {"detail": {}},
    "additionalProperties": True,
}
ERROR_ANSWERS = {
    "400": "The request is malformed or a field is invalid; nothing was changed.",
    "401": "No valid credentials (session or `Authorization: Token <key>`).",
    "403": "The caller's role or grant does not allow this (audited).",
    "404": "No such record, or one the caller may not know exists.",
    "409": "The change conflicts with the record's current state.",
    "413": "The upload is over the size limit.",
    "429": "Too many requests from this caller, or too many failed sign-ins from its address.",
}
WRITE_ONLY = ("409", "413")
RETRY_AFTER = {
    "Retry-After": {
        "description": "Whole seconds to wait before the next request will be accepted.",
        "required": True,
        "schema": {"type": "integer", "minimum": 1},
    }
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular POSTPROCESSING_HOOKS entry."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.setdefault(ERROR_SCHEMA_NAME, ERROR_SCHEMA)
    reference = {"$ref": f"#/components/schemas/{ERROR_SCHEMA_NAME}"}
    for path_item in result.get("paths", {}).values():
        for method, operation in path_item.items():
            if method not in {"get", "post", "put", "patch", "delete"}:
                continue
            responses = operation.setdefault("responses", {})
            for status, description in ERROR_ANSWERS.items():
                if status in WRITE_ONLY and method == "get":
                    continue
                answer = {"description": description, "content": {"application/json": {"schema": reference}}}
                responses.setdefault(status, {**answer, "headers": RETRY_AFTER} if status == "429" else answer)
    return result
