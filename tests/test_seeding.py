"""add_run_cache: defaults, round trips, and a ValueError naming field, value and rule."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from pytest_omics_cache import FakeOmics
from pytest_omics_cache._wire import model as _model


def test_defaults(fake_omics: FakeOmics) -> None:
    before = datetime.now(timezone.utc)
    cache = fake_omics.add_run_cache()
    after = datetime.now(timezone.utc)

    assert re.fullmatch(r"[1-9][0-9]{6}", cache["id"])
    assert cache["arn"] == f"arn:aws:omics:us-east-1:123456789012:runCache/{cache['id']}"
    assert cache["cacheS3Uri"] == f"s3://omics-run-cache-123456789012-us-east-1/{cache['id']}/"
    assert cache["cacheBehavior"] == "CACHE_ON_FAILURE"
    assert cache["status"] == "ACTIVE"
    assert cache["tags"] == {}
    assert before - timedelta(microseconds=1) <= cache["creationTime"] <= after
    assert cache["cacheBucketOwnerId"] == "123456789012"  # as CreateRunCache sets it
    assert set(cache) == {
        "arn",
        "cacheBehavior",
        "cacheBucketOwnerId",
        "cacheS3Uri",
        "creationTime",
        "id",
        "status",
        "tags",
    }


def test_seeds_keep_the_models_member_order_with_or_without_given_fields(
    fake_omics: FakeOmics, omics: Any
) -> None:
    import botocore.session

    shape = (
        botocore.session.get_session().get_service_model("omics").shape_for("GetRunCacheResponse")
    )
    model_order = list(shape.members)  # type: ignore[attr-defined]

    plain = fake_omics.add_run_cache()  # nothing given: the unchecked fast path
    given = fake_omics.add_run_cache(name="n", description="d", cacheBucketOwnerId="111122223333")
    served = omics.get_run_cache(id=plain["id"])
    del served["ResponseMetadata"]

    assert list(plain) == [name for name in model_order if name in plain]
    assert list(given) == model_order
    assert list(served) == list(plain)
    assert list(fake_omics.run_caches()[0]) == list(plain)


def test_default_ids_are_unique(fake_omics: FakeOmics) -> None:
    ids = {fake_omics.add_run_cache()["id"] for _ in range(2000)}

    assert len(ids) == 2000


@pytest.mark.fake_omics(account="444455556666")
def test_every_field_round_trips(fake_omics: FakeOmics, make_client: Any) -> None:
    cache = fake_omics.add_run_cache(
        id="123456789012345678",
        name="Ünïcode name with spaces & punctuation!",
        description="Cache for the WGS pipeline",
        cacheS3Uri="s3://my-bucket/caches/wgs/",
        cacheBehavior="CACHE_ALWAYS",
        cacheBucketOwnerId="111122223333",
        creationTime=datetime(2025, 6, 1, 8, 30, tzinfo=timezone.utc),
        status="FAILED",
        tags={"project": "wgs", "empty": ""},
        region="eu-west-2",
    )

    response = make_client(region_name="eu-west-2").get_run_cache(id="123456789012345678")
    del response["ResponseMetadata"]

    assert response == cache
    assert cache == {
        "arn": "arn:aws:omics:eu-west-2:444455556666:runCache/123456789012345678",
        "cacheBehavior": "CACHE_ALWAYS",
        "cacheBucketOwnerId": "111122223333",
        "cacheS3Uri": "s3://my-bucket/caches/wgs/",
        "creationTime": datetime(2025, 6, 1, 8, 30, tzinfo=timezone.utc),
        "description": "Cache for the WGS pipeline",
        "id": "123456789012345678",
        "name": "Ünïcode name with spaces & punctuation!",
        "status": "FAILED",
        "tags": {"project": "wgs", "empty": ""},
    }


@pytest.mark.parametrize(
    "value",
    [
        "2026-03-01T10:00:00Z",
        "2026-03-01T12:00:00+02:00",
        "2026-03-01T10:00:00.000000+00:00",
        datetime(2026, 3, 1, 5, 0, tzinfo=timezone(timedelta(hours=-5))),
    ],
)
def test_creation_time_accepts_aware_datetimes_and_iso_strings(
    fake_omics: FakeOmics, value: datetime | str
) -> None:
    cache = fake_omics.add_run_cache(creationTime=value)

    assert cache["creationTime"] == datetime(2026, 3, 1, 10, 0, tzinfo=timezone.utc)
    assert cache["creationTime"].utcoffset() == timedelta(0)


def test_returned_dict_is_a_copy(fake_omics: FakeOmics, omics: Any) -> None:
    cache = fake_omics.add_run_cache(tags={"a": "1"})
    cache["tags"]["a"] = "changed"
    cache["status"] = "DELETED"

    response = omics.get_run_cache(id=cache["id"])

    assert (response["tags"], response["status"]) == ({"a": "1"}, "ACTIVE")


def test_several_caches_and_same_id_in_two_regions(fake_omics: FakeOmics, make_client: Any) -> None:
    fake_omics.add_run_cache(id="1", name="one")
    fake_omics.add_run_cache(id="2", name="two")
    fake_omics.add_run_cache(id="1", name="one-in-eu", region="eu-west-1")

    us, eu = make_client(region_name="us-east-1"), make_client(region_name="eu-west-1")

    assert [us.get_run_cache(id=i)["name"] for i in ("1", "2")] == ["one", "two"]
    assert eu.get_run_cache(id="1")["name"] == "one-in-eu"


def test_same_id_twice_in_one_region_is_refused(fake_omics: FakeOmics) -> None:
    fake_omics.add_run_cache(id="55")

    with pytest.raises(
        ValueError,
        match=re.escape(
            "a run cache with id='55' is already seeded in account 123456789012, region us-east-1;"
            " give each cache its own id (or omit id for a fresh one)"
        ),
    ):
        fake_omics.add_run_cache(id="55")


@pytest.mark.parametrize(
    ("region", "partition"),
    [("cn-north-1", "aws-cn"), ("us-gov-west-1", "aws-us-gov"), ("eu-west-1", "aws")],
)
def test_arns_use_the_partition_of_the_region(region: str, partition: str) -> None:
    # Read from botocore's endpoint data, as where HealthOmics is: no cache can be seeded in a
    # partition without it (today every one but aws), and its ARN is right the day it has it.
    arn = _model.run_cache_arn(region, "123456789012", "8")

    assert arn == f"arn:{partition}:omics:{region}:123456789012:runCache/8"


def test_seeded_arns_are_the_regions(fake_omics: FakeOmics) -> None:
    cache = fake_omics.add_run_cache(id="8", region="eu-west-1")

    assert cache["arn"] == "arn:aws:omics:eu-west-1:123456789012:runCache/8"


def test_seeding_works_without_the_fixture() -> None:
    fake = FakeOmics(region="eu-west-2", account="999988887777")

    cache = fake.add_run_cache(id="3")

    assert cache["arn"] == "arn:aws:omics:eu-west-2:999988887777:runCache/3"
    assert (fake.region, fake.account) == ("eu-west-2", "999988887777")


FREE_TEXT = "[\\p{L}||\\p{M}||\\p{Z}||\\p{S}||\\p{N}||\\p{P}]+"


def _rule(field: str, value: object, rule: str, shape: str) -> str:
    return f"{field}={value!r} breaks the rule '{rule}' (botocore omics model, shape {shape})"


BAD_SEEDS = [
    pytest.param(
        {"id": "abc"},
        _rule("id", "abc", "Member must satisfy regular expression pattern: [0-9]+", "RunCacheId"),
        id="id-pattern",
    ),
    pytest.param(
        {"id": "1" * 19},
        _rule("id", "1" * 19, "Member must have length less than or equal to 18", "RunCacheId"),
        id="id-too-long",
    ),
    pytest.param(
        {"id": ""},
        _rule("id", "", "Member must satisfy regular expression pattern: [0-9]+", "RunCacheId")
        + "; "
        + _rule("id", "", "Member must have length greater than or equal to 1", "RunCacheId"),
        id="id-empty",
    ),
    pytest.param(
        {"name": "n" * 129},
        _rule(
            "name", "n" * 129, "Member must have length less than or equal to 128", "UserCustomName"
        ),
        id="name-too-long",
    ),
    pytest.param(
        {"name": ""},
        _rule(
            "name",
            "",
            f"Member must satisfy regular expression pattern: {FREE_TEXT}",
            "UserCustomName",
        )
        + "; "
        + _rule("name", "", "Member must have length greater than or equal to 1", "UserCustomName"),
        id="name-empty",
    ),
    pytest.param(
        {"name": "tab\there"},
        _rule(
            "name",
            "tab\there",
            "Member must satisfy regular expression pattern:"
            " [\\p{L}||\\p{M}||\\p{Z}||\\p{S}||\\p{N}||\\p{P}]+",
            "UserCustomName",
        ),
        id="name-control-character",
    ),
    pytest.param(
        {"name": 42},
        _rule("name", 42, "Member must be a string", "UserCustomName"),
        id="name-not-a-string",
    ),
    pytest.param(
        {"description": "d" * 257},
        _rule(
            "description",
            "d" * 257,
            "Member must have length less than or equal to 256",
            "UserCustomDescription",
        ),
        id="description-too-long",
    ),
    pytest.param(
        {"cacheBehavior": "SOMETIMES"},
        _rule(
            "cacheBehavior",
            "SOMETIMES",
            "Member must satisfy enum value set: [CACHE_ON_FAILURE, CACHE_ALWAYS]",
            "CacheBehavior",
        ),
        id="cacheBehavior-enum",
    ),
    pytest.param(
        {"status": "CREATING"},
        _rule(
            "status",
            "CREATING",
            "Member must satisfy enum value set: [ACTIVE, DELETED, FAILED]",
            "RunCacheStatus",
        ),
        id="status-enum",
    ),
    pytest.param(
        {"cacheS3Uri": "https://bucket/key"},
        _rule(
            "cacheS3Uri",
            "https://bucket/key",
            "Member must satisfy regular expression pattern: s3://([a-z0-9][a-z0-9-.]{1,61}[a-z0-9])(/(.{0,1024}))?",
            "S3UriForBucketOrObject",
        ),
        id="cacheS3Uri-pattern",
    ),
    pytest.param(
        {"cacheBucketOwnerId": "12345"},
        _rule(
            "cacheBucketOwnerId",
            "12345",
            "Member must have length greater than or equal to 12",
            "AwsAccountId",
        ),
        id="owner-too-short",
    ),
    pytest.param(
        {"cacheBucketOwnerId": "12345678901a"},
        _rule(
            "cacheBucketOwnerId",
            "12345678901a",
            "Member must satisfy regular expression pattern: [0-9]+",
            "AwsAccountId",
        ),
        id="owner-not-digits",
    ),
    pytest.param(
        {"tags": {"k" * 129: "v"}},
        _rule(
            "tags",
            "k" * 129,
            "Map keys must satisfy constraint: [Member must have length less than or equal to 128]",
            "TagKey",
        ),
        id="tag-key-too-long",
    ),
    pytest.param(
        {"tags": {"": "v"}},
        _rule(
            "tags",
            "",
            "Map keys must satisfy constraint:"
            " [Member must have length greater than or equal to 1]",
            "TagKey",
        ),
        id="tag-key-empty",
    ),
    pytest.param(
        {"tags": {"k": "v" * 257}},
        _rule(
            "tags",
            "v" * 257,
            "Map values must satisfy constraint:"
            " [Member must have length less than or equal to 256]",
            "TagValue",
        ),
        id="tag-value-too-long",
    ),
    pytest.param(
        {"creationTime": datetime(2026, 1, 1)},
        "creationTime=datetime.datetime(2026, 1, 1, 0, 0): has no timezone;"
        " use e.g. datetime(..., tzinfo=timezone.utc) or a trailing 'Z'",
        id="creationTime-naive",
    ),
    pytest.param(
        {"creationTime": "2026-01-01T00:00:00"},
        "creationTime='2026-01-01T00:00:00': has no timezone;"
        " use e.g. datetime(..., tzinfo=timezone.utc) or a trailing 'Z'",
        id="creationTime-naive-string",
    ),
    pytest.param(
        {"creationTime": "last tuesday"},
        "creationTime='last tuesday': must be an ISO-8601 timestamp such as '2026-01-31T12:00:00Z'",
        id="creationTime-not-iso",
    ),
    pytest.param(
        {"creationTime": 1700000000},
        "creationTime=1700000000: must be a timezone-aware datetime or an ISO-8601 string",
        id="creationTime-wrong-type",
    ),
]


@pytest.mark.parametrize(("fields", "message"), BAD_SEEDS)
def test_bad_seed_fields_name_field_value_and_rule(
    fake_omics: FakeOmics, fields: dict[str, Any], message: str
) -> None:
    expected = f"invalid run cache seed: {message}"
    with pytest.raises(ValueError, match=re.escape(expected)) as raised:
        fake_omics.add_run_cache(**fields)

    assert str(raised.value) == expected
    assert fake_omics.get_calls() == []


def test_every_bad_field_is_reported_at_once(fake_omics: FakeOmics) -> None:
    with pytest.raises(ValueError, match="invalid run cache seed") as raised:
        fake_omics.add_run_cache(name="n" * 129, status="NOPE")

    assert str(raised.value).count("breaks the rule") == 2


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (
            {"region": "us-east"},
            "region='us-east' is not an AWS region name (expected e.g. 'us-east-1')",
        ),
        (
            {"account": "12345"},
            "account='12345' is not an AWS account id: Member must have length greater than"
            " or equal to 12 (model shape AwsAccountId)",
        ),
    ],
)
def test_bad_region_or_account(fake_omics: FakeOmics, fields: dict[str, Any], message: str) -> None:
    with pytest.raises(ValueError, match=re.escape(message)) as raised:
        fake_omics.add_run_cache(**fields)

    assert str(raised.value) == message
