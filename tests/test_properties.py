"""Property-based: whatever the code under test sends, the fake answers like the service, and
whatever a test author seeds, the answer is a clean ValueError naming the field, or a cache."""

from __future__ import annotations

from typing import Any

import boto3
from botocore.config import Config
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from pytest_omics_cache import FakeOmics, mock_omics

EXAMPLES = 150
SETTINGS = settings(
    max_examples=EXAMPLES,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ALLOWED = {"ValidationException", "ResourceNotFoundException"}

# botocore itself cannot encode lone surrogates; everything else goes.
text = st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=300)
ids = st.one_of(text, st.from_regex(r"[0-9]{1,20}", fullmatch=True))
locations = st.one_of(
    text, st.from_regex(r"s3://[a-z0-9][a-z0-9.-]{1,70}(/.{0,40})?", fullmatch=True)
)
tags = st.dictionaries(text, text, max_size=5)
behaviors = st.one_of(st.sampled_from(["CACHE_ON_FAILURE", "CACHE_ALWAYS"]), text)
max_results = st.integers(min_value=-(2**40), max_value=2**40)

CLIENT = boto3.session.Session().client(
    "omics",
    region_name="us-east-1",
    # Send whatever the test gives, as a client that does not validate would.
    config=Config(parameter_validation=False, retries={"total_max_attempts": 1}),
)


def _outcome(call: Any) -> str:
    try:
        call()
    except CLIENT.exceptions.ClientError as error:
        response = error.response
    else:
        return "OK"
    code = str(response["Error"]["Code"])
    assert code in ALLOWED, response
    assert response["ResponseMetadata"]["HTTPStatusCode"] in (400, 404)
    return code


def _served(fake: FakeOmics) -> None:
    for call in fake.get_calls():
        assert call.status_code is not None
        assert call.status_code < 500, call


@SETTINGS
@given(cache_id=ids)
def test_get_update_delete_take_any_id(cache_id: str) -> None:
    with mock_omics() as fake:
        fake.add_run_cache(id="1234567")
        for call in (
            lambda: CLIENT.get_run_cache(id=cache_id),
            lambda: CLIENT.update_run_cache(id=cache_id, name="n"),
            lambda: CLIENT.delete_run_cache(id=cache_id),
        ):
            _outcome(call)
        _served(fake)


@SETTINGS
@given(location=locations, name=text, description=text, tag_map=tags, behavior=behaviors)
def test_create_takes_anything(
    location: str, name: str, description: str, tag_map: dict[str, str], behavior: str
) -> None:
    with mock_omics() as fake:
        outcome = _outcome(
            lambda: CLIENT.create_run_cache(
                cacheS3Location=location,
                name=name,
                description=description,
                tags=tag_map,
                cacheBehavior=behavior,
            )
        )
        _served(fake)
        assert len(fake.run_caches()) == (1 if outcome == "OK" else 0)
        if outcome == "OK":
            # whatever was accepted reads back through Get and List
            [cache] = fake.run_caches()
            assert CLIENT.get_run_cache(id=cache["id"])["name"] == name
            assert [i["id"] for i in CLIENT.list_run_caches()["items"]] == [cache["id"]]


@SETTINGS
@given(limit=max_results, token=st.one_of(st.none(), text))
def test_list_takes_any_page_size_and_token(limit: int, token: str | None) -> None:
    with mock_omics() as fake:
        for _ in range(3):
            fake.add_run_cache()
        params: dict[str, Any] = {"maxResults": limit}
        if token is not None:
            params["startingToken"] = token
        outcome = _outcome(lambda: CLIENT.list_run_caches(**params))
        _served(fake)
        if token is not None:
            assert outcome == "ValidationException"  # no token was issued in this fake
        elif 1 <= limit <= 100:
            assert outcome == "OK"
        else:
            assert outcome == "ValidationException"


@SETTINGS
@given(name=text, description=text, behavior=behaviors)
def test_update_takes_anything(name: str, description: str, behavior: str) -> None:
    with mock_omics() as fake:
        cache = fake.add_run_cache()
        outcome = _outcome(
            lambda: CLIENT.update_run_cache(
                id=cache["id"], name=name, description=description, cacheBehavior=behavior
            )
        )
        _served(fake)
        if outcome == "OK":
            assert fake.run_caches()[0]["name"] == name


anything = st.one_of(
    st.none(),
    text,
    st.integers(),
    st.floats(allow_nan=False),
    st.booleans(),
    st.lists(st.integers(), max_size=3),
    st.dictionaries(st.one_of(text, st.integers()), st.one_of(text, st.integers()), max_size=3),
    st.datetimes(),
    st.datetimes(timezones=st.timezones()),
)
SEED_FIELDS = (
    "id",
    "name",
    "description",
    "cacheS3Uri",
    "cacheBehavior",
    "cacheBucketOwnerId",
    "creationTime",
    "status",
    "tags",
    "region",
    "account",
)


@SETTINGS
@given(field=st.sampled_from(SEED_FIELDS), value=anything)
def test_seeding_anything_is_a_cache_or_a_value_error_naming_the_field(
    field: str, value: object
) -> None:
    fake = FakeOmics()
    try:
        cache = fake.add_run_cache(**{field: value})
    except ValueError as error:
        message = str(error)
    else:
        assert fake.run_caches() == [cache]
        return
    assert field in message
