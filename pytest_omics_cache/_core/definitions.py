"""What workflows and their versions share: the definition a create request gives (a zip, an S3
URI or a code repository) and what it becomes in the Get answers: its location, digest, engine
and repository details. Both resources create from one; neither imports the other.
"""

from __future__ import annotations

import hashlib
from collections.abc import Mapping
from typing import Any

from pytest_omics_cache._core.handlers import ServiceError

#: The definition a request gives, one of these (the model makes none of them required).
DEFINITIONS = ("definitionZip", "definitionUri", "definitionRepository")
#: The engine a definition's main file's extension implies, where the request names none.
ENGINES = {".wdl": "WDL", ".nf": "NEXTFLOW", ".cwl": "CWL"}


def one_definition(params: Mapping[str, Any], operation: str) -> None:
    """The service's ValidationException for a create request with no definition, or more
    than one (the model requires none of them; *choice*: the wording)."""
    given = [name for name in DEFINITIONS if name in params]
    if len(given) == 1:
        return
    which = "none of them" if not given else " and ".join(given)
    raise ServiceError(
        "ValidationException",
        f"{operation} needs exactly one workflow definition, definitionZip, definitionUri or"
        f" definitionRepository; the request gave {which}.",
    )


def digest(definition: object) -> str:
    """The digest of a definition (its zip's bytes, or where it lives), as the service gives
    one: ``sha256:`` and the hex SHA-256."""
    raw = definition if isinstance(definition, (bytes, bytearray)) else repr(definition).encode()
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def engine_of(fields: Mapping[str, Any]) -> str:
    """The engine of a new workflow or version: the request's, else the one its ``main`` or
    ``definitionUri`` names by extension, else WDL (a choice: the service reads the definition,
    which the fake does not)."""
    if "engine" in fields:
        engine: str = fields["engine"]
        return engine
    for source in (fields.get("main"), fields.get("definitionUri")):
        if isinstance(source, str):
            for extension, engine in ENGINES.items():
                if source.lower().endswith(extension):
                    return engine
    return "WDL"


def definition_fields(fields: Mapping[str, Any]) -> dict[str, Any]:
    """What the definition of a create request (``fields``) becomes in the Get answer: its
    ``digest`` and, for a repository, ``definitionRepositoryDetails``."""
    source = next((name for name in DEFINITIONS if name in fields), None)
    found: dict[str, Any] = {"digest": digest(fields[source] if source else fields.get("name"))}
    repository = fields.get("definitionRepository")
    if repository is not None:
        found["definitionRepositoryDetails"] = {
            k: repository[k]
            for k in ("connectionArn", "fullRepositoryId", "sourceReference")
            if k in repository
        }
    return found


#: The README a create request may give, one of these.
READMES = ("readmeMarkdown", "readmeUri", "readmePath")


def exports(region: str, path: str, fields: Mapping[str, Any]) -> dict[str, Any]:
    """The presigned URLs a Get answers under ``export`` (``definition``, and ``readme`` where
    the request gave one), of the service's copies at ``path`` (*choice*: the fake's own bucket
    name; the URLs are never fetched)."""
    base = f"https://omics-workflows-{region}.s3.{region}.amazonaws.com/{path}"
    query = "?X-Amz-Algorithm=AWS4-HMAC-SHA256&X-Amz-Expires=3600"
    found = {"definition": f"{base}/definition.zip{query}"}
    if any(name in fields for name in READMES):
        found["readme"] = f"{base}/README.md{query}"
    return found
