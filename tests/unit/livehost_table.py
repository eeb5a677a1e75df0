"""The LiveHost table as template.yaml defines it, for unit tests against the emulator:
one definition of the schema, the template's."""

from __future__ import annotations

from functools import cache
from pathlib import Path
from typing import Any

from samtranslator.yaml_helper import yaml_parse

TEMPLATE = Path(__file__).resolve().parents[2] / "template.yaml"


@cache
def _table_properties() -> dict[str, Any]:
    return yaml_parse(TEMPLATE.read_text())["Resources"]["Table"]["Properties"]


def create_livehost_table(dynamodb: Any, name: str = "livehost") -> Any:
    """Create the template's table (keys, index, billing) in ``dynamodb`` (a boto3 resource)."""
    props = _table_properties()
    return dynamodb.create_table(
        TableName=name,
        BillingMode=props["BillingMode"],
        AttributeDefinitions=props["AttributeDefinitions"],
        KeySchema=props["KeySchema"],
        GlobalSecondaryIndexes=props["GlobalSecondaryIndexes"],
    )
