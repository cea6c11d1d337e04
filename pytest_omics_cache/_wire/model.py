"""The botocore omics service model: the one source of truth for shapes, constraints and errors.

Nothing here is typed in from the AWS documentation; every constraint, status code and URI
template is read from botocore's own omics model, the one botocore's clients are built from. It
is loaded once per process, on first use, so importing the plugin costs nothing; and where the
process already has boto3's default session (``boto3.client(...)`` made one), from that
session's data, which its clients have already read; else by a loader that reads no AWS
configuration.
"""

from __future__ import annotations

import functools
import os
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, TypeVar

if TYPE_CHECKING:
    import botocore.loaders
    import botocore.regions
    from botocore.model import OperationModel, ServiceModel, Shape

SERVICE_NAME = "omics"

T = TypeVar("T")


@functools.cache
def loader() -> botocore.loaders.Loader:
    """The botocore data loader the fake reads the model and endpoint data with.

    boto3's default session's, if the process has one and its configuration reads: its clients
    have already read that data (a fresh loader reads the list of every service, the endpoint
    data and the omics model from disk again, about a tenth of a second of a test run's CPU).
    Else a loader of the fake's own that reads no AWS configuration (no profile, no config file):
    the model needs none, and a user's ``AWS_PROFILE`` naming a missing profile, or a broken
    ``~/.aws/config``, must not break the fake's own set-up. It honours ``AWS_DATA_PATH``, as a
    session's loader would.
    """
    import botocore.loaders
    import botocore.session

    default = getattr(sys.modules.get("boto3"), "DEFAULT_SESSION", None)
    shared = getattr(default, "_session", None)
    if isinstance(shared, botocore.session.Session):
        try:
            found = shared.get_component("data_loader")  # reads its configuration (a profile...)
        except Exception:  # a session its own clients could not use either: not this one
            pass
        else:
            if isinstance(found, botocore.loaders.Loader):
                return found
    return botocore.loaders.create_loader(os.environ.get("AWS_DATA_PATH"))


@functools.cache
def service_model() -> ServiceModel:
    from botocore.model import ServiceModel

    # Asked for exactly as botocore's client creator asks: the loader caches each answer by the
    # arguments of the call, so a session whose clients read the model does not read it again.
    data = loader().load_service_model(SERVICE_NAME, "service-2", api_version=None)
    return ServiceModel(data, service_name=SERVICE_NAME)


@functools.cache
def operation_names() -> frozenset[str]:
    """Every operation of the model, for membership tests on the request path."""
    return frozenset(service_model().operation_names)


@functools.cache
def shape(name: str) -> Shape:
    return service_model().shape_for(name)


@functools.cache
def endpoint_resolver() -> botocore.regions.EndpointResolver:
    """botocore's resolver of its endpoint data (``endpoints.json``): partitions, and where
    each service is."""
    from botocore.regions import EndpointResolver

    return EndpointResolver(loader().load_data("endpoints"))


@functools.cache
def partition(region: str) -> str:
    """The ARN partition of a region: ``aws``, ``aws-cn``, ``aws-us-gov``..."""
    name: str = endpoint_resolver().get_partition_for_region(region)
    return name


def run_cache_arn(region: str, account: str, cache_id: str) -> str:
    return f"arn:{partition(region)}:omics:{region}:{account}:runCache/{cache_id}"


def suggest_operation(name: str) -> str | None:
    """The model's name of an operation given in boto3's snake_case or misspelt, if any."""
    import difflib

    from botocore import xform_name

    names = service_model().operation_names
    by_method = {xform_name(known): known for known in names}
    if name in by_method:
        return by_method[name]
    close = difflib.get_close_matches(name, names, n=1, cutoff=0.8)
    return close[0] if close else None


def operation(name: str) -> OperationModel:
    return service_model().operation_model(name)


@functools.cache
def error_codes(name: str | None = None) -> tuple[str, ...]:
    """Every error operation ``name`` declares in the model (of any operation, for None)."""
    names = service_model().operation_names if name is None else [name]
    return tuple(sorted({e.name for each in names for e in operation(each).error_shapes}))


@functools.cache
def error_status(code: str) -> int:
    """The HTTP status the model gives an error shape (``httpStatusCode``)."""
    shape = service_model().shape_for(code)
    status: int = shape.metadata["error"]["httpStatusCode"]
    return status


def per_shape(compile_shape: Callable[[Shape], T]) -> Callable[[Shape], T]:
    """``compile_shape`` run once per shape, its result kept by shape name: in a botocore model
    the name fixes the shape. Not functools.cache: a Shape hashes by identity, and botocore
    makes a separate Shape object for every reference to the same named shape."""
    compiled: dict[str, T] = {}

    def lookup(shape: Shape) -> T:
        found = compiled.get(shape.name)
        if found is None:
            found = compiled[shape.name] = compile_shape(shape)
        return found

    return lookup
