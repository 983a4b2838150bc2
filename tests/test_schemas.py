"""The schema files themselves: well-formed, annotated, self-consistent, with valid examples."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator
from openapi_spec_validator import validate as validate_openapi
from referencing import Registry, Resource

from lotuspay_contract import schemas
from lotuspay_contract.conformance import validate
from lotuspay_contract.schemas._bundle import bundle_components

ALL = [(name, strict) for name in schemas.NAMES for strict in (False, True)]
IDS = [f"{'strict/' if s else ''}{n}" for n, s in ALL]
LEVELS = {"MUST", "SHOULD", "MAY"}


def _registry() -> Registry[Any]:
    return Registry().with_resources(
        (uri, Resource.from_contents(doc)) for uri, doc in schemas.resources_for_registry()
    )


@pytest.mark.parametrize(("name", "strict"), ALL, ids=IDS)
def test_schema_is_valid_draft_2020_12(name: str, strict: bool) -> None:
    schema = schemas.load(name, strict=strict)
    Draft202012Validator.check_schema(schema)
    assert schema["$schema"] == "https://json-schema.org/draft/2020-12/schema"
    assert schema["$id"] == schemas.uri(name, strict=strict)
    assert schema["title"]
    assert schema["description"]


@pytest.mark.parametrize(("name", "strict"), ALL, ids=IDS)
def test_every_file_names_its_rules(name: str, strict: bool) -> None:
    """A root x-rule means every violation gets a rule id; x-level values are real levels."""
    schema = schemas.load(name, strict=strict)
    assert isinstance(schema.get("x-rule"), str)

    def walk(node: Any) -> None:
        if isinstance(node, dict):
            if "x-level" in node:
                assert node["x-level"] in LEVELS
            for value in node.values():
                walk(value)
        elif isinstance(node, list):
            for value in node:
                walk(value)

    walk(schema)


def test_ids_are_unique() -> None:
    ids = [schemas.load(n, strict=s)["$id"] for n, s in ALL]
    assert len(ids) == len(set(ids))


def test_schema_files_are_exactly_the_named_ones() -> None:
    root = schemas.path("customer").parent
    # *.schema.json are the schemas of the toolkit's own files (a baseline), not API documents.
    documents = {p.stem for p in root.glob("*.json") if not p.name.endswith(".schema.json")}
    assert documents == set(schemas.NAMES)
    assert {p.stem for p in (root / "strict").glob("*.json")} == set(schemas.NAMES)


@pytest.mark.parametrize("name", schemas.NAMES)
def test_examples_validate_with_both_engines(name: str) -> None:
    examples = schemas.load(name)["examples"]
    assert examples
    reference = Draft202012Validator(schemas.load(name), registry=_registry())
    for example in examples:
        assert validate(example, name) == []
        assert list(reference.iter_errors(example)) == []


@pytest.mark.parametrize("name", schemas.NAMES)
def test_shipped_example_files_match_the_schemas(name: str) -> None:
    shipped = schemas.path(name).parent / "examples" / f"{name}.json"
    assert json.loads(shipped.read_text(encoding="utf-8")) == schemas.load(name)["examples"][0]


def test_unknown_schema_name_is_a_clear_error() -> None:
    with pytest.raises(ValueError, match="unknown schema 'customers': expected one of customer"):
        schemas.load("customers")


def test_load_returns_a_copy() -> None:
    schemas.load("customer")["title"] = "changed"
    assert schemas.load("customer")["title"] == "Customer"


# --- OpenAPI -------------------------------------------------------------------------------

OPENAPI = schemas.load_openapi()
OPERATIONS = [
    (path, method, op)
    for path, item in OPENAPI["paths"].items()
    for method, op in item.items()
    if method in ("get", "post", "put", "patch", "delete")
]
DOCUMENTED_STATUSES = {"200", "400", "401", "402", "404", "406", "429", "500", "503"}


def test_openapi_document_is_valid() -> None:
    assert OPENAPI["openapi"].startswith("3.1")
    validate_openapi(OPENAPI)


def test_openapi_components_are_the_bundled_schemas() -> None:
    """Regenerate with ``python -m schemas._bundle`` when a schema changes."""
    assert OPENAPI["components"]["schemas"] == bundle_components()


def test_openapi_covers_the_endpoints() -> None:
    assert {(p, m) for p, m, _ in OPERATIONS} == {
        ("/v1/customers", "post"),
        ("/v1/customers", "get"),
        ("/v1/customers/{id}", "get"),
        ("/v1/customers/{id}/bank_accounts", "post"),
        ("/v1/customers/{id}/bank_accounts", "get"),
        ("/v1/customers/{id}/bank_accounts/{bank_account}", "get"),
    }


@pytest.mark.parametrize(
    ("path", "method", "op"), OPERATIONS, ids=[f"{m} {p}" for p, m, _ in OPERATIONS]
)
def test_openapi_operation_documents_every_status(
    path: str, method: str, op: dict[str, Any]
) -> None:
    assert set(op["responses"]) == DOCUMENTED_STATUSES
    assert OPENAPI["security"] == [{"basicAuth": []}]


def test_openapi_request_bodies_take_json_and_form() -> None:
    for body in OPENAPI["components"]["requestBodies"].values():
        assert set(body["content"]) == {"application/json", "application/x-www-form-urlencoded"}


def _resolve(node: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in node and len(node) == 1:
        target: Any = OPENAPI
        for token in node["$ref"].removeprefix("#/").split("/"):
            target = target[token]
        node = target
    return node


def _media_examples() -> list[Any]:
    found = []
    for path, method, op in OPERATIONS:
        bodies = [_resolve(op["requestBody"])] if "requestBody" in op else []
        responses = [_resolve(r) for r in op["responses"].values()]
        for holder in bodies + responses:
            for media, content in holder.get("content", {}).items():
                if "example" in content:
                    found.append(
                        pytest.param(
                            content["schema"], content["example"], id=f"{method} {path} {media}"
                        )
                    )
    return found


@pytest.mark.parametrize(("schema", "example"), _media_examples())
def test_openapi_examples_validate(schema: dict[str, Any], example: Any) -> None:
    name = schema["$ref"].rsplit("/", 1)[1]
    assert validate(example, name, strict=True) == []


def test_openapi_file_lives_beside_the_schemas() -> None:
    assert schemas.openapi_path() == Path(schemas.path("customer")).parent / "openapi.yaml"
