"""The API's documentation page (/api/) written from the OpenAPI document
(``stages.openapi``): its addresses with example addresses, parameters and
fields, and the objects they share.

The OpenAPI document stays in English (a contract); the page shows its texts in
the page's language: each summary and description is translated here, where the
page uses it, and the words the page adds around the types (``list of``, ``or``).
JSON Schema's type names and the objects' names stay as the document has them."""

from django.utils.html import format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext as _
from django.utils.translation import pgettext, pgettext_lazy

from racing import registry
from stages import vocabulary

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

# Where a parameter goes, as the page says it.
WHERE = {
    "path": pgettext_lazy("API parameter location", "path"),
    "query": pgettext_lazy("API parameter location", "query"),
}


def _said(text: str) -> str:
    """A summary or description of the document, in the page's language (empty
    stays empty)."""
    return _(text) if text else ""


def _either(kinds: list[str]) -> str:
    """``string or null``."""
    out = kinds[0]
    for kind in kinds[1:]:
        out = pgettext("API types", "%(first)s or %(second)s") % {
            "first": out,
            "second": kind,
        }
    return out


def _type(schema: dict) -> tuple[str, str]:
    """A field's type as the page writes it, and the object it refers to."""
    if "$ref" in schema:
        name = schema["$ref"].rsplit("/", 1)[-1]
        return name, name
    if "anyOf" in schema:
        kinds = [_type(s) for s in schema["anyOf"]]
        return _either([k for k, _r in kinds]), next((r for _k, r in kinds if r), "")
    kind = schema.get("type", "object")
    if kind == "array":
        item, ref = _type(schema.get("items", {}))
        return pgettext("API types", "list of %(item)s") % {"item": item}, ref
    if isinstance(schema.get("additionalProperties"), dict):
        value, ref = _type(schema["additionalProperties"])
        by_key = pgettext("API types", "%(value)s by table key") % {"value": value}
        return by_key, ref
    if isinstance(kind, list):
        return _either(kind), ""
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
                "description": _said(prop.get("description", "")),
                "fields": fields(_inner(prop)),
            }
        )
    return out


def _summary(path: str, summary: str) -> str:
    """What the address gives: a table's, said with its translated title (the
    document writes it ``The <title> of a stage``), the others as the document."""
    segments = path.split("/")
    key = segments[-1].removesuffix(".json")
    table = registry.TABLES.get(key)
    if table is None or not segments[-2].startswith("stage-"):
        return _said(summary)
    if table.of_stage:
        pattern = _("The %(table)s of a stage")
    else:
        pattern = _("The %(table)s after a stage")
    return pattern % {"table": vocabulary.table_title(key)}


def _parameter(p: dict) -> dict:
    """A parameter as the page shows it: name, where it goes, type, whether
    required, description, and its allowed values as HTML."""
    enum = p["schema"].get("enum") or []
    return {
        "name": p["name"],
        "where": WHERE.get(p["in"], p["in"]),
        "type": p["schema"].get("type", ""),
        "required": p.get("required", False),
        "description": _said(p.get("description", "")),
        "enum": enum,
        "values": format_html_join(", ", "<code>{}</code>", ((v,) for v in enum))
        if enum
        else SafeString(),
    }


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
                "summary": _summary(path, operation["summary"]),
                "example": example,
                "parameters": [_parameter(p) for p in operation["parameters"]],
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
            "description": _said(schemas[n]["description"]),
            "fields": fields(schemas[n]),
        }
        for n in REFERENCES
    ]
