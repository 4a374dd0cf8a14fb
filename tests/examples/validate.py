#!/usr/bin/env python3
"""Checks response examples against their own schemas with an independent validator.

`cargo xtask examples` runs this on the examples the generated types fail on, to tell an example that
breaks its own schema (the spec's fault) from one the generated types should have read (ours).

Usage: validate.py ITEMS.json    (or `validate.py --check`: exit 0 when the validator is installed)

ITEMS.json is a JSON list of {"document": path of the document as JSON, "pointer": JSON pointer of the
schema in it, "example": the body}. Prints one JSON line per item, in order:
{"valid": bool, "error": the validator's most relevant error or null, "format": null or, for a valid
example, the first `format` it breaks}.

The schema is validated with openapi-schema-validator's OAS30Validator (OpenAPI 3.0's `nullable`,
`discriminator` and the rest), or OAS31Validator for an OpenAPI 3.1 document (JSON Schema 2020-12), entered
through a `$ref` into the whole document, registered as one
resource, so that the `$ref`s in the schema resolve. `format` is an annotation in JSON Schema unless a
format checker is asked for: validity is decided without one, and the formats a valid example breaks are
only reported, since whether a client should accept such a body (a date-time without an offset) is ours
to decide.
"""

import json
import sys
import urllib.parse

INSTALL = (
    "python3 -m venv target/tools/python && target/tools/python/bin/pip install -r tests/requirements.txt"
    " (cargo test and cargo xtask examples do this themselves on first use)"
)

try:
    from jsonschema.exceptions import best_match
    from openapi_schema_validator import OAS30Validator, OAS31Validator
    from referencing import Registry
    from referencing.jsonschema import DRAFT4, DRAFT202012
except ImportError as err:
    print(f"the validator is not installed ({err}): run `{INSTALL}`", file=sys.stderr)
    sys.exit(3)

DOCUMENT_URI = "urn:clientgen:document"


def first_error(validator, example):
    error = best_match(validator.iter_errors(example))
    if error is None:
        return None
    where = "/" + "/".join(str(part) for part in error.absolute_path)
    message = error.message
    if len(message) > 200:
        message = message[:200] + "…"
    return f"at {where}: {message}"


def main():
    if sys.argv[1:] == ["--check"]:
        return 0
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 2
    with open(sys.argv[1], encoding="utf-8") as file:
        items = json.load(file)
    registries = {}
    for item in items:
        path = item["document"]
        if path not in registries:
            with open(path, encoding="utf-8") as file:
                document = json.load(file)
            v31 = str(document.get("openapi", "")).startswith("3.1")
            specification = DRAFT202012 if v31 else DRAFT4
            resource = specification.create_resource(document)
            registries[path] = (Registry().with_resource(DOCUMENT_URI, resource), OAS31Validator if v31 else OAS30Validator)
        registry, validator = registries[path]
        fragment = urllib.parse.quote(item["pointer"], safe="/~")
        schema = {"$ref": f"{DOCUMENT_URI}#{fragment}"}
        error = first_error(validator(schema, registry=registry), item["example"])
        format_error = None
        if error is None:
            checker = validator.FORMAT_CHECKER
            format_error = first_error(validator(schema, registry=registry, format_checker=checker), item["example"])
        print(json.dumps({"valid": error is None, "error": error, "format": format_error}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
