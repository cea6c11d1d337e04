"""Create, List, Update and Delete through boto3, on the registry GetRunCache reads."""

from __future__ import annotations

import re
from datetime import datetime, timezone
from typing import Any

import boto3
import freezegun
import pytest
import time_machine
from botocore.config import Config

from pytest_omics_cache import FakeOmics, mock_omics

NO_RETRIES = Config(retries={"total_max_attempts": 1})
SESSION = boto3.session.Session()  # one for the module: a new session costs ~100 ms


@pytest.fixture
def client() -> Any:
    return SESSION.client("omics", region_name="us-east-1", config=NO_RETRIES)


def _error(client: Any, call: Any, **params: Any) -> dict[str, Any]:
    with pytest.raises(client.exceptions.ClientError) as raised:
        call(**params)
    response: dict[str, Any] = raised.value.response
    return response


# --- CreateRunCache ---------------------------------------------------------------------------


def test_create_answers_like_the_service(fake_omics: FakeOmics, client: Any) -> None:
    created = client.create_run_cache(
        cacheS3Location="s3://team-caches/wgs", name="wgs", tags={"team": "gx"}
    )

    metadata = created.pop("ResponseMetadata")
    assert metadata["HTTPStatusCode"] == 201
    assert created == {
        "arn": f"arn:aws:omics:us-east-1:123456789012:runCache/{created['id']}",
        "id": created["id"],
        "status": "ACTIVE",
        "tags": {"team": "gx"},
    }
    call = fake_omics.get_call("CreateRunCache")
    assert (call.method, call.url) == (
        "POST",
        "https://workflows-omics.us-east-1.amazonaws.com/runCache",
    )
    assert set(call.params) == {"cacheS3Location", "name", "tags", "requestId"}


@pytest.mark.parametrize("location", ["s3://team-caches/wgs", "s3://team-caches/wgs/"])
def test_created_cache_lives_in_its_own_folder(
    fake_omics: FakeOmics, client: Any, location: str
) -> None:
    created = client.create_run_cache(cacheS3Location=location)

    cache = client.get_run_cache(id=created["id"])

    # {location}/{the cache's own UUID}/, as the documentation lays caches out
    assert re.fullmatch(
        r"s3://team-caches/wgs/[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}/",
        cache["cacheS3Uri"],
    )
    assert cache["cacheBucketOwnerId"] == "123456789012"  # the caller's account
    assert cache["cacheBehavior"] == "CACHE_ON_FAILURE"
    assert "name" not in cache
    assert "description" not in cache


def test_created_and_seeded_caches_are_indistinguishable(
    fake_omics: FakeOmics, client: Any
) -> None:
    created_id = client.create_run_cache(
        cacheS3Location="s3://bkt/x",
        name="n",
        description="d",
        cacheBehavior="CACHE_ALWAYS",
        cacheBucketOwnerId="111122223333",
        tags={"k": "v"},
    )["id"]
    created = client.get_run_cache(id=created_id)
    del created["ResponseMetadata"]
    seeded = fake_omics.add_run_cache(
        id="42",
        name="n",
        description="d",
        cacheS3Uri="s3://bkt/x/42/",
        cacheBehavior="CACHE_ALWAYS",
        cacheBucketOwnerId="111122223333",
        creationTime=created["creationTime"],
        tags={"k": "v"},
    )

    assert {k: type(v) for k, v in created.items()} == {k: type(v) for k, v in seeded.items()}
    assert repr(created["creationTime"].tzinfo) == repr(seeded["creationTime"].tzinfo)
    assert fake_omics.run_caches() == [created, seeded]


def test_creation_time_follows_time_machine(fake_omics: FakeOmics, client: Any) -> None:
    with time_machine.travel(datetime(2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc), tick=False):
        created_id = client.create_run_cache(cacheS3Location="s3://bkt/x")["id"]

    assert client.get_run_cache(id=created_id)["creationTime"] == datetime(
        2031, 5, 6, 7, 8, 9, tzinfo=timezone.utc
    )


def test_creation_time_follows_freezegun(fake_omics: FakeOmics, client: Any) -> None:
    with freezegun.freeze_time("2032-02-03T04:05:06Z"):
        created_id = client.create_run_cache(cacheS3Location="s3://bkt/x")["id"]

    assert client.get_run_cache(id=created_id)["creationTime"] == datetime(
        2032, 2, 3, 4, 5, 6, tzinfo=timezone.utc
    )


def test_same_request_id_and_parameters_is_the_same_cache(
    fake_omics: FakeOmics, client: Any
) -> None:
    first = client.create_run_cache(cacheS3Location="s3://bkt/x", name="n", requestId="req-1")
    again = client.create_run_cache(cacheS3Location="s3://bkt/x", name="n", requestId="req-1")

    assert again["id"] == first["id"]
    assert again["ResponseMetadata"]["HTTPStatusCode"] == 201
    assert len(fake_omics.run_caches()) == 1


def test_spelling_out_a_default_is_the_same_request(fake_omics: FakeOmics, client: Any) -> None:
    first = client.create_run_cache(cacheS3Location="s3://bkt/x", requestId="req-2")
    again = client.create_run_cache(
        cacheS3Location="s3://bkt/x",
        requestId="req-2",
        cacheBehavior="CACHE_ON_FAILURE",
        cacheBucketOwnerId="123456789012",
        tags={},
    )

    assert again["id"] == first["id"]


def test_same_request_id_with_other_parameters_is_a_conflict(
    fake_omics: FakeOmics, client: Any
) -> None:
    first = client.create_run_cache(cacheS3Location="s3://bkt/x", requestId="req-1")

    error = _error(
        client, client.create_run_cache, cacheS3Location="s3://bkt/other", requestId="req-1"
    )

    assert error["Error"] == {
        "Code": "ConflictException",
        "Message": f"requestId req-1 was already used to create run cache {first['id']} with"
        " different parameters.",
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 409
    assert len(fake_omics.run_caches()) == 1


def test_a_request_id_whose_cache_was_deleted_creates_anew(
    fake_omics: FakeOmics, client: Any
) -> None:
    first = client.create_run_cache(cacheS3Location="s3://bkt/x", requestId="req-1")["id"]
    client.delete_run_cache(id=first)

    second = client.create_run_cache(cacheS3Location="s3://bkt/x", requestId="req-1")["id"]

    assert second != first
    assert [c["id"] for c in fake_omics.run_caches()] == [second]


def test_request_ids_are_per_account_and_region(fake_omics: FakeOmics, client: Any) -> None:
    eu = SESSION.client("omics", region_name="eu-west-1")

    us_id = client.create_run_cache(cacheS3Location="s3://bkt/x", requestId="r")["id"]
    eu_id = eu.create_run_cache(cacheS3Location="s3://bkt/x", requestId="r")["id"]

    assert us_id != eu_id
    assert [c["arn"].split(":")[3] for c in fake_omics.run_caches()] == ["us-east-1", "eu-west-1"]


@pytest.mark.fake_omics(max_run_caches=3)
def test_quota(fake_omics: FakeOmics, client: Any) -> None:
    fake_omics.add_run_cache(id="1")  # seeded caches count too
    client.create_run_cache(cacheS3Location="s3://bkt/x")
    client.create_run_cache(cacheS3Location="s3://bkt/x")

    error = _error(client, client.create_run_cache, cacheS3Location="s3://bkt/x")

    assert error["Error"] == {
        "Code": "ServiceQuotaExceededException",
        "Message": "Run cache quota exceeded: account 123456789012 already has 3 run caches in"
        " us-east-1 (limit 3).",
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 402
    # the quota is per region, and deleting frees a slot
    eu = SESSION.client("omics", region_name="eu-west-1")
    assert eu.create_run_cache(cacheS3Location="s3://bkt/x")["status"] == "ACTIVE"
    client.delete_run_cache(id="1")
    assert client.create_run_cache(cacheS3Location="s3://bkt/x")["status"] == "ACTIVE"


def test_default_quota_is_one_thousand(fake_omics: FakeOmics, client: Any) -> None:
    for _ in range(1000):
        fake_omics.add_run_cache()

    error = _error(client, client.create_run_cache, cacheS3Location="s3://bkt/x")

    assert error["Error"]["Code"] == "ServiceQuotaExceededException"
    assert "(limit 1000)" in error["Error"]["Message"]


# --- ListRunCaches ----------------------------------------------------------------------------


def test_list_is_empty_without_caches(fake_omics: FakeOmics, client: Any) -> None:
    response = client.list_run_caches()

    assert response["items"] == []
    assert "nextToken" not in response


def test_list_items_are_the_list_item_shape_in_creation_order(
    fake_omics: FakeOmics, client: Any
) -> None:
    seeded = fake_omics.add_run_cache(name="first", description="d", tags={"k": "v"})
    created_id = client.create_run_cache(cacheS3Location="s3://bkt/x", name="second")["id"]
    fake_omics.add_run_cache(name="elsewhere", region="eu-west-1")

    items = client.list_run_caches()["items"]

    assert [i["name"] for i in items] == ["first", "second"]
    assert items[0] == {
        key: seeded[key]
        for key in ("arn", "cacheBehavior", "cacheS3Uri", "creationTime", "id", "name", "status")
    }
    assert items[1]["id"] == created_id
    assert all("tags" not in i and "description" not in i for i in items)


def test_paginator_walks_250_caches(fake_omics: FakeOmics, client: Any) -> None:
    seeded = [fake_omics.add_run_cache()["id"] for _ in range(250)]

    pages = list(
        client.get_paginator("list_run_caches").paginate(PaginationConfig={"PageSize": 100})
    )

    assert [len(p["items"]) for p in pages] == [100, 100, 50]
    assert [i["id"] for p in pages for i in p["items"]] == seeded
    assert [c.params.get("maxResults") for c in fake_omics.get_calls()] == [100, 100, 100]


def test_default_page_size_is_one_hundred(fake_omics: FakeOmics, client: Any) -> None:
    for _ in range(101):
        fake_omics.add_run_cache()

    first = client.list_run_caches()
    second = client.list_run_caches(startingToken=first["nextToken"])

    assert (len(first["items"]), len(second["items"])) == (100, 1)
    assert "nextToken" not in second


def test_paging_skips_caches_deleted_meanwhile(fake_omics: FakeOmics, client: Any) -> None:
    ids = [fake_omics.add_run_cache()["id"] for _ in range(6)]
    first = client.list_run_caches(maxResults=2)
    client.delete_run_cache(id=ids[2])
    client.delete_run_cache(id=ids[3])

    rest = client.list_run_caches(maxResults=2, startingToken=first["nextToken"])

    assert [i["id"] for i in first["items"]] == ids[:2]
    assert [i["id"] for i in rest["items"]] == ids[4:]
    assert "nextToken" not in rest


def test_listing_after_many_deletes(fake_omics: FakeOmics, client: Any) -> None:
    ids = [fake_omics.add_run_cache()["id"] for _ in range(100)]
    for cache_id in ids[:90]:
        client.delete_run_cache(id=cache_id)

    pages = list(client.get_paginator("list_run_caches").paginate(PaginationConfig={"PageSize": 4}))

    assert [i["id"] for p in pages for i in p["items"]] == ids[90:]


@pytest.mark.parametrize("token", ["forged-token", "a" * 24])
def test_a_token_the_fake_did_not_issue_is_invalid(
    fake_omics: FakeOmics, client: Any, token: str
) -> None:
    error = _error(client, client.list_run_caches, startingToken=token)

    assert error["Error"] == {
        "Code": "ValidationException",
        "Message": f"Invalid startingToken '{token}': it was not issued by a ListRunCaches call"
        " of this account and region.",
    }


def test_a_token_from_an_earlier_test_is_invalid(client: Any) -> None:
    with mock_omics() as earlier:
        for _ in range(3):
            earlier.add_run_cache()
        stale = client.list_run_caches(maxResults=1)["nextToken"]

    with mock_omics() as now:
        for _ in range(3):
            now.add_run_cache()
        client.list_run_caches(maxResults=1)  # this fake issues tokens of its own, too
        error = _error(client, client.list_run_caches, startingToken=stale)

    assert error["Error"]["Code"] == "ValidationException"


def test_a_token_from_another_region_is_invalid(fake_omics: FakeOmics, client: Any) -> None:
    for _ in range(3):
        fake_omics.add_run_cache(region="eu-west-1")
    eu = SESSION.client("omics", region_name="eu-west-1")
    token = eu.list_run_caches(maxResults=1)["nextToken"]

    error = _error(client, client.list_run_caches, startingToken=token)

    assert error["Error"]["Code"] == "ValidationException"
    assert eu.list_run_caches(startingToken=token)["items"]  # still fine where it came from


# --- UpdateRunCache ---------------------------------------------------------------------------


def test_update_is_visible_to_get_and_list(fake_omics: FakeOmics, client: Any) -> None:
    cache = fake_omics.add_run_cache(name="old", tags={"k": "v"})

    response = client.update_run_cache(
        id=cache["id"], name="new", description="now described", cacheBehavior="CACHE_ALWAYS"
    )

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    assert set(response) == {"ResponseMetadata"}
    updated = client.get_run_cache(id=cache["id"])
    del updated["ResponseMetadata"]
    assert updated == {
        **cache,
        "name": "new",
        "description": "now described",
        "cacheBehavior": "CACHE_ALWAYS",
    }
    assert client.list_run_caches()["items"][0]["name"] == "new"
    assert fake_omics.run_caches() == [updated]


def test_update_changes_only_what_is_given(fake_omics: FakeOmics, client: Any) -> None:
    cache = fake_omics.add_run_cache(name="keep", description="keep too")

    client.update_run_cache(id=cache["id"], cacheBehavior="CACHE_ALWAYS")

    updated = client.get_run_cache(id=cache["id"])
    assert (updated["name"], updated["description"]) == ("keep", "keep too")


def test_update_of_an_unknown_cache_is_not_found(fake_omics: FakeOmics, client: Any) -> None:
    error = _error(client, client.update_run_cache, id="404", name="x")

    assert error["Error"] == {
        "Code": "ResourceNotFoundException",
        "Message": "Run cache 404 not found.",
    }


# --- DeleteRunCache ---------------------------------------------------------------------------


def test_deleted_cache_is_gone(fake_omics: FakeOmics, client: Any) -> None:
    cache = fake_omics.add_run_cache(id="9")
    other = fake_omics.add_run_cache(id="10")

    response = client.delete_run_cache(id="9")

    assert response["ResponseMetadata"]["HTTPStatusCode"] == 202
    for call, params in [
        (client.get_run_cache, {}),
        (client.update_run_cache, {"name": "x"}),
        (client.delete_run_cache, {}),
    ]:
        assert _error(client, call, id="9", **params)["Error"] == {
            "Code": "ResourceNotFoundException",
            "Message": "Run cache 9 not found.",
        }
    assert [i["id"] for i in client.list_run_caches()["items"]] == ["10"]
    assert fake_omics.run_caches() == [other]
    assert cache["id"] == "9"


def test_a_cache_in_use_cannot_be_deleted(fake_omics: FakeOmics, client: Any) -> None:
    cache = fake_omics.add_run_cache(id="11")
    fake_omics.mark_in_use("11")

    error = _error(client, client.delete_run_cache, id="11")

    assert error["Error"] == {
        "Code": "ConflictException",
        "Message": "Run cache 11 is in use by active runs and cannot be deleted.",
    }
    assert error["ResponseMetadata"]["HTTPStatusCode"] == 409
    fake_omics.mark_in_use("11", in_use=False)
    client.delete_run_cache(id="11")
    assert fake_omics.run_caches() == []
    assert cache["id"] == "11"


def test_in_use_survives_an_update(fake_omics: FakeOmics, client: Any) -> None:
    fake_omics.add_run_cache(id="12")
    fake_omics.mark_in_use("12")
    client.update_run_cache(id="12", name="renamed")

    assert _error(client, client.delete_run_cache, id="12")["Error"]["Code"] == "ConflictException"


def test_mark_in_use_of_an_unknown_cache(fake_omics: FakeOmics) -> None:
    with pytest.raises(ValueError, match="mark_in_use") as raised:
        fake_omics.mark_in_use("13", region="eu-west-1")

    assert str(raised.value) == (
        "mark_in_use: no run cache with id='13' in account 123456789012, region eu-west-1"
    )


# --- run_caches() and injections on every operation -------------------------------------------


def test_run_caches_filters(fake_omics: FakeOmics) -> None:
    a = fake_omics.add_run_cache(name="a")
    b = fake_omics.add_run_cache(name="b", region="eu-west-1")
    c = fake_omics.add_run_cache(name="c", account="111122223333")

    assert fake_omics.run_caches() == [a, b, c]
    assert fake_omics.run_caches(region="eu-west-1") == [b]
    assert fake_omics.run_caches(account="111122223333") == [c]
    assert fake_omics.run_caches(region="us-east-1", account="123456789012") == [a]


@pytest.mark.parametrize(
    ("operation", "call"),
    [
        ("CreateRunCache", lambda c: c.create_run_cache(cacheS3Location="s3://bkt/x")),
        ("GetRunCache", lambda c: c.get_run_cache(id="1")),
        ("ListRunCaches", lambda c: c.list_run_caches()),
        ("UpdateRunCache", lambda c: c.update_run_cache(id="1", name="n")),
        ("DeleteRunCache", lambda c: c.delete_run_cache(id="1")),
    ],
)
def test_injection_reaches_every_operation(
    fake_omics: FakeOmics, client: Any, operation: str, call: Any
) -> None:
    fake_omics.add_run_cache(id="1")
    targeted = fake_omics.add_error("AccessDeniedException", operation=operation)
    everywhere = fake_omics.add_fault("read-timeout", operation=None, times=None, after=1)

    with pytest.raises(client.exceptions.AccessDeniedException):
        call(client)

    assert targeted.fired == 1
    assert everywhere.seen == 0  # the first injection answered; later ones never saw it
    assert fake_omics.get_call(operation).error_code == "AccessDeniedException"
