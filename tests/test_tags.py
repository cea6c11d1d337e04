"""Tags of run caches: TagResource, UntagResource and ListTagsForResource, served from the registry
on every transport, and the same tags in get_run_cache and run_caches()."""

from __future__ import annotations

import asyncio
import json
from typing import Any
from urllib.parse import quote

import pytest
import requests
from botocore.auth import SigV4Auth
from botocore.awsrequest import AWSRequest
from botocore.config import Config
from botocore.credentials import Credentials

from pytest_omics_cache import FakeOmics


def test_tag_list_untag_round_trip(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(tags={"team": "germline"})

    tagged = omics.tag_resource(resourceArn=cache["arn"], tags={"cost": "wgs", "team": "somatic"})
    listed = omics.list_tags_for_resource(resourceArn=cache["arn"])
    omics.untag_resource(resourceArn=cache["arn"], tagKeys=["team", "never-set"])
    after = omics.list_tags_for_resource(resourceArn=cache["arn"])

    assert tagged["ResponseMetadata"]["HTTPStatusCode"] == 204
    assert listed["tags"] == {"team": "somatic", "cost": "wgs"}
    assert listed["ResponseMetadata"]["HTTPStatusCode"] == 200
    assert after["tags"] == {"cost": "wgs"}
    assert [c.operation for c in fake_omics.get_calls()] == [
        "TagResource",
        "ListTagsForResource",
        "UntagResource",
        "ListTagsForResource",
    ]
    assert fake_omics.get_calls("UntagResource")[0].params == {
        "resourceArn": cache["arn"],
        "tagKeys": ["team", "never-set"],
    }
    assert fake_omics.get_call("TagResource").url == (
        "https://tags-omics.us-east-1.amazonaws.com/tags/" + quote(cache["arn"], safe="")
    )


def test_tags_are_what_get_run_cache_and_run_caches_show(fake_omics: FakeOmics, omics: Any) -> None:
    created = omics.create_run_cache(cacheS3Location="s3://bucket/x", tags={"a": "1"})

    omics.tag_resource(resourceArn=created["arn"], tags={"b": "2"})

    assert omics.get_run_cache(id=created["id"])["tags"] == {"a": "1", "b": "2"}
    assert fake_omics.run_caches()[0]["tags"] == {"a": "1", "b": "2"}
    # ...and the reverse: what the cache was seeded or created with is what ListTags shows.
    seeded = fake_omics.add_run_cache(tags={"seeded": "yes"})
    assert omics.list_tags_for_resource(resourceArn=seeded["arn"])["tags"] == {"seeded": "yes"}


def test_at_most_fifty_tags_per_request(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache()
    tags = {f"k{i}": "v" for i in range(51)}

    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.tag_resource(resourceArn=cache["arn"], tags=tags)

    assert raised.value.response["Error"]["Message"] == (
        f"1 validation error detected: Value '{tags}' at 'tags' failed to satisfy constraint:"
        " Member must have length less than or equal to 50"
    )


def test_at_most_fifty_tags_per_resource(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(tags={f"old{i}": "v" for i in range(30)})

    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.tag_resource(resourceArn=cache["arn"], tags={f"new{i}": "v" for i in range(21)})

    assert raised.value.response["Error"]["Message"] == (
        f"Resource {cache['arn']} would have 51 tags; a resource can have at most 50."
    )
    assert omics.list_tags_for_resource(resourceArn=cache["arn"])["tags"] == cache["tags"]


@pytest.mark.parametrize(
    ("tags", "rule"),
    [
        (
            {"": "v"},
            "Map keys must satisfy constraint: [Member must have length greater than or equal"
            " to 1]",
        ),
        (
            {"k" * 129: "v"},
            "Map keys must satisfy constraint: [Member must have length less than or equal to 128]",
        ),
        (
            {"k": "v" * 257},
            "Map values must satisfy constraint: [Member must have length less than or equal"
            " to 256]",
        ),
    ],
)
def test_tag_key_and_value_lengths(
    fake_omics: FakeOmics, make_client: Any, tags: dict[str, str], rule: str
) -> None:
    cache = fake_omics.add_run_cache()
    # botocore checks minimum lengths itself; the service checks every rule.
    omics = make_client(config=Config(parameter_validation=False))

    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.tag_resource(resourceArn=cache["arn"], tags=tags)

    assert rule in raised.value.response["Error"]["Message"]


def test_an_unknown_run_cache_is_not_found(fake_omics: FakeOmics, omics: Any) -> None:
    arn = "arn:aws:omics:us-east-1:123456789012:runCache/4242"

    for call in (
        lambda: omics.tag_resource(resourceArn=arn, tags={"k": "v"}),
        lambda: omics.untag_resource(resourceArn=arn, tagKeys=["k"]),
        lambda: omics.list_tags_for_resource(resourceArn=arn),
    ):
        with pytest.raises(omics.exceptions.ResourceNotFoundException) as raised:
            call()
        assert raised.value.response["Error"]["Message"] == "Run cache 4242 not found."


def test_a_run_cache_elsewhere_gets_the_near_miss_hint(fake_omics: FakeOmics, omics: Any) -> None:
    west = fake_omics.add_run_cache(id="77", region="us-west-2")
    fake_omics.add_run_cache(id="88", account="111122223333")
    here = "arn:aws:omics:us-east-1:123456789012:runCache/77"

    with pytest.raises(omics.exceptions.ResourceNotFoundException) as same_id:
        omics.list_tags_for_resource(resourceArn=here)
    with pytest.raises(omics.exceptions.ResourceNotFoundException) as other_region:
        omics.list_tags_for_resource(resourceArn=west["arn"])

    assert same_id.value.response["Error"]["Message"] == (
        "Run cache 77 not found. [pytest-omics-cache: the request came from account"
        " 123456789012, region us-east-1; a run cache with id 77 exists in account 123456789012,"
        " region us-west-2. Seed it with region=/account= matching the client, or call from that"
        " region.]"
    )
    assert other_region.value.response["Error"]["Message"] == (
        f"Resource {west['arn']} not found. [pytest-omics-cache: the ARN names account"
        " 123456789012, region us-west-2, but the request came from account 123456789012,"
        " region us-east-1. Call from the resource's region, or tag a resource of yours.]"
    )


@pytest.mark.parametrize(
    ("arn", "message"),
    [
        (
            "arn:aws:s3:::bucket",
            "Invalid resource ARN 'arn:aws:s3:::bucket': expected"
            " arn:<partition>:omics:<region>:<account>:<resource type>/<id>.",
        ),
        (
            "arn:aws:omics:us-east-1:1234:runCache/1",
            "Invalid resource ARN 'arn:aws:omics:us-east-1:1234:runCache/1': expected"
            " arn:<partition>:omics:<region>:<account>:<resource type>/<id>.",
        ),
        (
            "not-an-arn",
            "1 validation error detected: Value 'not-an-arn' at 'resourceArn' failed to satisfy"
            " constraint: Member must satisfy regular expression pattern: arn:.+",
        ),
    ],
)
def test_a_malformed_arn_is_a_validation_error(
    fake_omics: FakeOmics, omics: Any, arn: str, message: str
) -> None:
    with pytest.raises(omics.exceptions.ValidationException) as raised:
        omics.list_tags_for_resource(resourceArn=arn)

    assert raised.value.response["Error"]["Message"] == message


def test_tags_of_resources_the_fake_does_not_hold_come_from_add_response(
    fake_omics: FakeOmics, omics: Any
) -> None:
    store = "arn:aws:omics:us-east-1:123456789012:sequenceStore/1234567890"
    fake_omics.add_response(
        "ListTagsForResource", {"tags": {"owner": "me"}}, params={"resourceArn": store}
    )

    assert omics.list_tags_for_resource(resourceArn=store)["tags"] == {"owner": "me"}


def test_tags_on_async_clients(fake_omics: FakeOmics) -> None:
    session_module = pytest.importorskip("aiobotocore.session")
    cache = fake_omics.add_run_cache()

    async def scenario() -> dict[str, str]:
        async with session_module.get_session().create_client(
            "omics", region_name="us-east-1"
        ) as client:
            await client.tag_resource(resourceArn=cache["arn"], tags={"async": "yes"})
            await client.untag_resource(resourceArn=cache["arn"], tagKeys=["nothing"])
            listed = await client.list_tags_for_resource(resourceArn=cache["arn"])
            return dict(listed["tags"])

    assert asyncio.run(scenario()) == {"async": "yes"}
    assert fake_omics.run_caches()[0]["tags"] == {"async": "yes"}


def _raw(method: str, url: str, body: bytes = b"") -> requests.Response:
    request = AWSRequest(method=method, url=url, data=body)
    if body:
        request.headers["Content-Type"] = "application/json"
    SigV4Auth(Credentials("AKIDRAW", "secret"), "omics", "us-east-1").add_auth(request)
    return requests.request(method, url, headers=dict(request.headers), data=body, timeout=5)


def test_tags_over_raw_http(fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache()
    url = "https://tags-omics.us-east-1.amazonaws.com/tags/" + quote(cache["arn"], safe="")

    tagged = _raw("POST", url, json.dumps({"tags": {"raw": "1", "other": "2"}}).encode())
    untagged = _raw("DELETE", url + "?tagKeys=other&tagKeys=absent")
    listed = _raw("GET", url)
    missing = _raw("GET", url.replace(cache["id"], "999"))

    assert (tagged.status_code, tagged.content) == (204, b"")
    assert (untagged.status_code, untagged.content) == (204, b"")
    assert (listed.status_code, listed.json()) == (200, {"tags": {"raw": "1"}})
    assert (missing.status_code, missing.headers["x-amzn-ErrorType"]) == (
        404,
        "ResourceNotFoundException",
    )
    assert fake_omics.get_calls("UntagResource")[0].params["tagKeys"] == ["other", "absent"]
