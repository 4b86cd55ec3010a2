"""The API's documentation page (/api/) written from the OpenAPI document
(``stages.openapi``): its addresses with example addresses, parameters and
fields, and the objects they share."""

# The shared objects the page lists after the addresses.
REFERENCES = (
    "EditionRef",
    "StageRef",
    "RiderRef",
    "TeamRef",
    "Placing",
    "EntryRider",
    "Exit",
    "TableLink",
)


def _type(schema: dict) -> tuple[str, str]:
    """A field's type as the page writes it, and the object it refers to."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name, name
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"]]
        return " or ".join(k for k, _ in kinds), next((r for _, r in kinds if r), "")
    kind = schema.get("type", "object")
    if kind == "array":
        item, ref = _type(schema.get("items", {}))
        return f"list of {item}", ref
    if isinstance(schema.get("additionalProperties"), dict):
        value, ref = _type(schema["additionalProperties"])
        return f"{value} by table key", ref
    if isinstance(kind, list):
        return " or ".join(kind), ""
    return kind, ""


def _inner(schema: dict) -> dict:
    """The object a field holds written out: its own fields, a list's items'
    (a table's rows) or a map's values (the leaders by table key)."""
    for inner in (schema, schema.get("items"), schema.get("additionalProperties")):
        if isinstance(inner, dict) and "properties" in inner:
            return inner
    return {}


def fields(schema: dict | None) -> list[dict]:
    """The fields of an object schema: name, type, description, the object a
    field refers to, and the fields of an object it holds written out."""
    out = []
    for name, prop in ((schema or {}).get("properties") or {}).items():
        kind, ref = _type(prop)
        out.append(
            {
                "name": name,
                "type": kind,
                "ref": ref,
                "description": prop.get("description", ""),
                "fields": fields(_inner(prop)),
            }
        )
    return out


def endpoints(spec: dict) -> list[dict]:
    """Each path of ``spec`` for the page: summary, example address (its path
    parameters' examples filled in), parameters, media type and fields."""
    schemas = spec["components"]["schemas"]
    out = []
    for path, item in spec["paths"].items():
        operation = item["get"]
        example = path
        for p in operation["parameters"]:
            if p["in"] == "path":
                example = example.replace("{" + p["name"] + "}", str(p["example"]))
        media, body = next(iter(operation["responses"]["200"]["content"].items()))
        name = body["schema"].get("$ref", "").rsplit("/", 1)[-1]
        out.append(
            {
                "path": path,
                "summary": operation["summary"],
                "example": example,
                "parameters": operation["parameters"],
                "media": media,
                "schema": name,
                "fields": fields(schemas.get(name)),
            }
        )
    return out


def references(spec: dict) -> list[dict]:
    """The shared objects with their fields."""
    schemas = spec["components"]["schemas"]
    return [
        {
            "name": n,
            "description": schemas[n]["description"],
            "fields": fields(schemas[n]),
        }
        for n in REFERENCES
    ]
