"""mock_omics: the same fake outside pytest fixtures."""

from __future__ import annotations

import asyncio
import re
import unittest
from typing import Any

import boto3
import pytest
from botocore.hooks import HierarchicalEmitter

from pytest_omics_cache import FakeOmics, mock_omics

EXPECTED_UNFIRED = (
    "fake_omics: 1 injected error(s)/fault(s) did not fire as often as asked:\n"
    "  - ThrottlingException on GetRunCache: fired 0 of 1 time(s)\n"
    "Each injection with a finite `times` must fire that often. If that is intended, pass"
    " times=None, or opt out with mock_omics(assert_all_errors_fired=False)."
)


def _client(region: str = "us-east-1") -> Any:
    return boto3.client("omics", region_name=region)


def test_context_manager() -> None:
    emit = HierarchicalEmitter.__dict__["emit"]

    with mock_omics(region="eu-west-1", account="111122223333") as fake:
        cache = fake.add_run_cache(name="ctx")
        assert _client("eu-west-1").get_run_cache(id=cache["id"])["name"] == "ctx"
        assert isinstance(fake, FakeOmics)
        assert (fake.region, fake.account) == ("eu-west-1", "111122223333")

    assert HierarchicalEmitter.__dict__["emit"] is emit


def test_decorator_passes_the_fake_when_asked() -> None:
    @mock_omics(max_run_caches=1)
    def create_two(prefix: str, fake_omics: FakeOmics) -> list[str]:
        client = _client()
        client.create_run_cache(cacheS3Location=f"s3://{prefix}-bucket/x")
        with pytest.raises(client.exceptions.ServiceQuotaExceededException):
            client.create_run_cache(cacheS3Location=f"s3://{prefix}-bucket/y")
        return [c["cacheS3Uri"].split("/")[2] for c in fake_omics.run_caches()]

    assert create_two("team") == ["team-bucket"]
    assert create_two("other") == ["other-bucket"]  # a fresh fake per call


def test_decorator_without_the_parameter() -> None:
    @mock_omics()
    def reads_nothing() -> str:
        with pytest.raises(_client().exceptions.ResourceNotFoundException):
            _client().get_run_cache(id="1")
        return "served"

    assert reads_nothing() == "served"
    assert reads_nothing.__name__ == "reads_nothing"


def test_decorator_on_async_functions() -> None:
    @mock_omics()
    async def seed(fake_omics: FakeOmics) -> str:
        await asyncio.sleep(0)
        cache = fake_omics.add_run_cache(name="async")
        return str(_client().get_run_cache(id=cache["id"])["name"])

    assert asyncio.run(seed()) == "async"


def test_unittest_class_decorator() -> None:
    @mock_omics(region="ap-southeast-1")
    class PipelineTests(unittest.TestCase):
        fake_omics: FakeOmics

        def setUp(self) -> None:
            self.cache = self.fake_omics.add_run_cache(name="ut")

        def test_reads(self) -> None:
            got = _client("ap-southeast-1").get_run_cache(id=self.cache["id"])
            assert got["name"] == "ut"

        def test_starts_empty(self) -> None:
            assert len(self.fake_omics.run_caches()) == 1

        def test_unfired(self) -> None:
            self.fake_omics.add_error("ThrottlingException")

    result = unittest.TestResult()
    unittest.defaultTestLoader.loadTestsFromTestCase(PipelineTests).run(result)

    assert result.testsRun == 3
    assert result.errors == []
    [(test, traceback)] = result.failures  # raised by the cleanup, after the test
    assert test.id().endswith("test_unfired")
    assert traceback.rstrip().endswith(EXPECTED_UNFIRED)


def test_plain_class_decorator() -> None:
    @mock_omics()
    class Checks:
        def test_one(self, fake_omics: FakeOmics) -> int:
            fake_omics.add_run_cache()
            return len(fake_omics.run_caches())

        def helper(self) -> str:
            return "untouched"

    assert Checks().test_one() == 1  # type: ignore[call-arg]
    assert Checks().helper() == "untouched"


def test_start_and_stop() -> None:
    mock = mock_omics()
    fake = mock.start()
    try:
        assert mock.fake is fake
        assert "started" in repr(mock)
        fake.add_run_cache(id="7")
        assert _client().get_run_cache(id="7")["id"] == "7"
    finally:
        mock.stop()
    assert repr(mock) == "<mock_omics region='us-east-1' stopped>"


def test_nesting_is_an_error() -> None:
    with mock_omics(), pytest.raises(RuntimeError, match="already active"):
        mock_omics().start()


def test_starting_twice_is_an_error() -> None:
    mock = mock_omics()
    mock.start()
    try:
        with pytest.raises(RuntimeError) as raised:
            mock.start()
        assert str(raised.value) == (
            "this mock_omics() is already started; stop() it first, or use another mock_omics()"
        )
    finally:
        mock.stop()


def test_misuse_before_start() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        mock_omics().stop()
    with pytest.raises(RuntimeError, match=re.escape("mock_omics() is not started")):
        _ = mock_omics().fake


def test_unfired_injections_fail_on_exit() -> None:
    with pytest.raises(AssertionError) as raised, mock_omics() as fake:
        fake.add_error("ThrottlingException")

    assert str(raised.value) == EXPECTED_UNFIRED


def test_an_exception_in_the_block_is_not_hidden() -> None:
    def fails() -> None:
        with mock_omics() as fake:
            fake.add_error("ThrottlingException")
            raise KeyError("the real problem")

    with pytest.raises(KeyError, match="the real problem"):
        fails()


def test_opting_out_of_the_check() -> None:
    with mock_omics(assert_all_errors_fired=False) as fake:
        fake.add_error("ThrottlingException")


def test_bad_options_fail_at_once() -> None:
    with pytest.raises(ValueError, match=r"account='1' is not an AWS account id"):
        mock_omics(account="1")


def test_beside_the_fixture_is_an_error(fake_omics: FakeOmics) -> None:
    with pytest.raises(RuntimeError, match=r"started by the fake_omics fixture of tests/test_mock"):
        mock_omics().start()
