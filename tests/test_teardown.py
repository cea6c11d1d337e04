"""The teardown check of unfired injections, its message and its opt-outs, through pytester."""

from __future__ import annotations

import pytest

UNFIRED_TESTS = """
    import boto3
    from botocore.config import Config

    def client():
        return boto3.client(
            "omics", region_name="us-east-1", config=Config(retries={"total_max_attempts": 1})
        )

    def test_unfired(fake_omics):
        fake_omics.add_error("ThrottlingException", id="42")
        fake_omics.add_fault("read-timeout", times=3)
        fake_omics.add_fault("connection", times=None)  # never required to fire
        fake_omics.add_error("AccessDeniedException", times=2, after=1)
        fake_omics.add_run_cache(id="1")
        try:
            client().get_run_cache(id="1")
        except Exception:
            pass
"""

EXPECTED_MESSAGE = [
    "E   AssertionError: fake_omics: 3 injected error(s)/fault(s) did not fire as often as asked:",
    "      - ThrottlingException on GetRunCache id='42': fired 0 of 1 time(s)",
    "      - read-timeout on GetRunCache: fired 1 of 3 time(s)",
    "      - AccessDeniedException on GetRunCache: fired 0 of 2 time(s) after 1 request(s)",
    "    Each injection with a finite `times` must fire that often. If that is intended, pass"
    " times=None, or opt out with @pytest.mark.fake_omics(assert_all_errors_fired=False) or the"
    " ini option fake_omics_assert_all_errors_fired = false.",
]


def test_unfired_injections_fail_at_teardown_with_one_listing(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(UNFIRED_TESTS)

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=1, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_unfired*", *EXPECTED_MESSAGE])


def test_a_failed_test_gets_no_second_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        def test_fails(fake_omics):
            fake_omics.add_error("ThrottlingException")
            assert 1 == 2
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(failed=1, errors=0)
    result.stdout.no_fnmatch_line("*did not fire*")


def test_skipped_xfailed_and_setup_errors_get_no_second_error(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.fixture
        def throttled(fake_omics):
            fake_omics.add_error("ThrottlingException")

        @pytest.fixture
        def broken():
            raise RuntimeError("fixture failed")

        def test_skipped(fake_omics):
            fake_omics.add_error("ThrottlingException")
            pytest.skip("not today")

        @pytest.mark.xfail(reason="known")
        def test_xfailed(fake_omics):
            fake_omics.add_error("ThrottlingException")
            assert False

        def test_setup_error(throttled, broken):
            pass
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(skipped=1, xfailed=1, errors=1)
    result.stdout.no_fnmatch_line("*did not fire*")
    result.stdout.no_fnmatch_line("*at teardown*")


def test_marker_opt_out(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_omics(assert_all_errors_fired=False)
        def test_unfired(fake_omics):
            fake_omics.add_error("ThrottlingException")
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1, errors=0)


def test_ini_opt_out_and_marker_opt_back_in(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_omics_assert_all_errors_fired = false\n")
    pytester.makepyfile(
        """
        import pytest

        def test_suite_opted_out(fake_omics):
            fake_omics.add_error("ThrottlingException")

        @pytest.mark.fake_omics(assert_all_errors_fired=True)
        def test_opted_back_in(fake_omics):
            fake_omics.add_error("ThrottlingException")
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(passed=2, errors=1)
    result.stdout.fnmatch_lines(["*ERROR at teardown of test_opted_back_in*"])


def test_fired_injections_pass(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import boto3
        import pytest

        def test_fired(fake_omics):
            fake_omics.add_error("ThrottlingException", times=2)
            fake_omics.add_run_cache(id="1")
            client = boto3.client("omics", region_name="us-east-1")
            assert client.get_run_cache(id="1")["ResponseMetadata"]["RetryAttempts"] == 2
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=1, errors=0)


def test_real_sleep_from_marker_and_ini(pytester: pytest.Pytester) -> None:
    pytester.makeini("[pytest]\nfake_omics_real_sleep = true\n")
    pytester.makepyfile(
        """
        import time
        import botocore.endpoint
        import pytest

        def test_suite_sleeps(fake_omics):
            assert botocore.endpoint.time is time

        @pytest.mark.fake_omics(real_sleep=False)
        def test_marker_skips_sleeps(fake_omics):
            assert botocore.endpoint.time is not time
        """
    )

    pytester.runpytest("-p", "no:cacheprovider").assert_outcomes(passed=2)


def test_bad_flag_in_marker(pytester: pytest.Pytester) -> None:
    pytester.makepyfile(
        """
        import pytest

        @pytest.mark.fake_omics(real_sleep="yes")
        def test_it(fake_omics):
            pass
        """
    )

    result = pytester.runpytest("-p", "no:cacheprovider")

    result.assert_outcomes(errors=1)
    result.stdout.fnmatch_lines(
        ["*@pytest.mark.fake_omics: real_sleep='yes' must be True or False*"]
    )
