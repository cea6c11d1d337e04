"""Which hosts are HealthOmics, read from botocore's own endpoint data for every partition.

botocore builds omics URLs as ``{prefix-}omics{-fips}.{region}.{DNS suffix}``: the prefix from
the operation (``workflows-``, ``tags-``, ``storage-``...), the suffix from the region's
partition (``amazonaws.com``, ``amazonaws.com.cn``, ``c2s.ic.gov``, the dual-stack ``api.aws``
...). The suffixes are not typed in here: a new partition in botocore is recognised the day
botocore knows it, so no omics request to it can slip past the fake to the network.
"""

from __future__ import annotations

import functools
import re
from urllib.parse import urlsplit

from pytest_omics_cache._wire import model as _model


@functools.cache
def dns_suffixes() -> tuple[str, ...]:
    """Every DNS suffix, plain and dual-stack, of every partition botocore knows."""

    loader = _model.loader()
    found: set[str] = set()
    # endpoints.json: the partitions of the classic endpoint resolver.
    for partition in loader.load_data("endpoints")["partitions"]:
        found.add(partition["dnsSuffix"])
        if partition.get("dualStackDnsSuffix"):
            found.add(partition["dualStackDnsSuffix"])
    # partitions.json: those the endpoint rule sets use, with their dual-stack suffixes.
    for partition in loader.load_data("partitions")["partitions"]:
        outputs = partition["outputs"]
        found.update(outputs[key] for key in ("dnsSuffix", "dualStackDnsSuffix") if key in outputs)
    # Longest first, so "amazonaws.com.cn" wins over "amazonaws.com" in the alternation.
    return tuple(sorted(found, key=lambda suffix: (-len(suffix), suffix)))


@functools.cache
def known_regions() -> frozenset[str]:
    """Every region botocore's endpoint data names, in every partition."""

    loader = _model.loader()
    found: set[str] = set()
    for partition in loader.load_data("endpoints")["partitions"]:
        found.update(partition.get("regions", {}))
    for partition in loader.load_data("partitions")["partitions"]:
        found.update(partition.get("regions", {}))
    return frozenset(region for region in found if not region.endswith("-global"))


@functools.cache
def omics_regions() -> tuple[str, ...]:
    """The regions HealthOmics is available in, sorted: in every partition, the regions its
    omics endpoints name, as botocore's own endpoint resolver lists them (``fips-us-east-1``
    and the like name a variant of a region's endpoint, not a region, and are left out).

    A client botocore makes for any other region builds a host there that does not resolve."""

    resolver = _model.endpoint_resolver()
    found: set[str] = set()
    for partition in resolver.get_available_partitions():
        found.update(resolver.get_available_endpoints(_model.SERVICE_NAME, partition))
    return tuple(sorted(found))


@functools.lru_cache(maxsize=256)
def has_omics(region: str) -> bool:
    """Whether HealthOmics is available in ``region`` (asked on every request)."""
    return region in omics_regions()


@functools.cache
def _host_pattern() -> re.Pattern[str]:
    suffixes = "|".join(re.escape(suffix) for suffix in dns_suffixes())
    return re.compile(rf"(?:[a-z0-9-]+-)?omics(?:-fips)?\.([a-z0-9-]+)\.(?:{suffixes})\.?")


@functools.lru_cache(maxsize=256)
def region_of_host(host: str) -> str | None:
    """The region in a HealthOmics host name, or None for any other host."""
    found = _host_pattern().fullmatch(host.lower())
    return None if found is None else found.group(1)


def is_omics_url(url: str) -> bool:
    """True for a URL botocore would build for HealthOmics, in any partition."""
    return region_of_host(urlsplit(url).hostname or "") is not None
