"""Where the fake reads botocore's omics model: boto3's default session when the process has one
(its clients have read the model already), else a loader of its own that reads no AWS
configuration. Each case runs in a fresh
process, since the choice is made once per process."""

from __future__ import annotations

import pytest

_SERVES = """
def _serves(fake_omics, client):
    cache = fake_omics.add_run_cache(name="c")
    assert client.get_run_cache(id=cache["id"])["name"] == "c"
"""


def test_the_default_session_of_boto3_is_read_not_loaded_again(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        _SERVES
        + """
import boto3

CLIENT = boto3.client("omics", region_name="us-east-1")


def test_shared(fake_omics):
    from pytest_omics_cache._wire import model as _model

    _serves(fake_omics, CLIENT)
    loader = boto3.DEFAULT_SESSION._session.get_component("data_loader")
    assert _model.loader() is loader
    # One reading of the omics model in the loader: the clients' and the fake's.
    models = [key for key in loader._cache if key[:2] == ("load_service_model", "omics")]
    models = [key for key in models if "service-2" in key]
    assert len(models) == 1, models
    assert _model.service_model().service_name == "omics"
"""
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)


def test_without_boto3s_default_session_the_fake_has_its_own(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        _SERVES
        + """
import boto3
import botocore.session


def test_own(fake_omics):
    from pytest_omics_cache._wire import model as _model

    client = botocore.session.get_session().create_client("omics", region_name="us-east-1")
    _serves(fake_omics, client)
    assert boto3.DEFAULT_SESSION is None
    assert _model.loader() is not botocore.session.get_session().get_component("data_loader")
"""
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)


def test_a_default_session_that_cannot_read_its_data_is_not_used(
    pytester: pytest.Pytester,
) -> None:
    pytester.makepyfile(
        _SERVES
        + """
import types

import boto3
import botocore.loaders
import botocore.session

# A session whose profile does not exist: reading its data fails as its own clients would.
BROKEN = botocore.session.Session(profile="no-such-profile-anywhere")
boto3.DEFAULT_SESSION = types.SimpleNamespace(_session=BROKEN)


def test_fallback(fake_omics):
    from pytest_omics_cache._wire import model as _model

    client = botocore.session.get_session().create_client("omics", region_name="us-east-1")
    _serves(fake_omics, client)
    assert isinstance(_model.loader(), botocore.loaders.Loader)
"""
    )
    pytester.runpytest_subprocess("-p", "no:randomly").assert_outcomes(passed=1)
