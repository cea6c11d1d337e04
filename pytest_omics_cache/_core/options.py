"""Settings of one fake: defaults, the ini options of a suite and the marker of a test."""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, fields, replace

DEFAULT_REGION = "us-east-1"
DEFAULT_ACCOUNT = "123456789012"

# AWS publishes no pattern for region names in the omics model; this accepts every partition's
# form (us-east-1, us-gov-west-1, cn-north-1, eu-isoe-west-1) and rejects typos like "us-east".
_REGION = re.compile(r"[a-z]{2}(-[a-z]+)+-[0-9]{1,2}")


@dataclass(frozen=True)
class Options:
    """What a fake is configured with. Every field has a default that just works."""

    #: Region of seeded caches when ``add_run_cache`` is not given one: one HealthOmics is
    #: available in, per botocore's endpoint data.
    region: str = DEFAULT_REGION
    #: The account the code under test calls from, and of seeded caches by default.
    account: str = DEFAULT_ACCOUNT
    #: Let botocore really sleep between retries (by default the fake skips those sleeps).
    real_sleep: bool = False
    #: Let botocore compute real SigV4 signatures on omics requests (by default they carry a
    #: fixed signature: nothing checks it, and computing it is a fifth of a call's cost).
    real_signatures: bool = False
    #: Fail the test at teardown if an injection or a queued response with a finite ``times``
    #: did not fire that often.
    assert_all_errors_fired: bool = True
    #: Fail the test at teardown if a request was not served (no registry, no queued response),
    #: even when the code under test caught the UnservedRequestError.
    assert_all_requests_served: bool = True
    #: Run caches one account may have in one region; CreateRunCache beyond it is refused.
    max_run_caches: int = 1000
    #: Let StartRun take a ``workflowId`` or ``runGroupId`` the fake does not hold on trust, as
    #: the fake did before it held workflows and run groups (by default the service's 404).
    lenient_start_run: bool = False

    def validated(self) -> Options:
        """Self, or a ValueError that names the bad option, its value and the rule."""
        try:
            if self in _KNOWN_VALID:  # every test builds options; check each set once
                return self
        except TypeError:  # an unhashable value: certainly not valid, checked below
            pass
        # Down to the wire, deferred: the ini's options are read in every pytest run with the
        # plugin, and the validators are needed only the first time a set of options is seen.
        from pytest_omics_cache._wire import model as _model
        from pytest_omics_cache._wire import validate as _validate

        if not isinstance(self.region, str) or not _REGION.fullmatch(self.region):
            raise ValueError(
                f"region={self.region!r} is not an AWS region name (expected e.g. 'us-east-1')"
            )
        from pytest_omics_cache._wire import hosts as _hosts

        available = _hosts.omics_regions()
        if self.region not in available:
            import difflib

            listed = ", ".join(available)
            if self.region in _hosts.known_regions():
                raise ValueError(
                    f"region={self.region!r} is not a region HealthOmics is available in;"
                    f" botocore's endpoint data has it in: {listed} (requests to any other"
                    " region could never connect)"
                )
            # A typo, most likely: the nearest regions it could have meant that would work.
            nearest = difflib.get_close_matches(self.region, available, n=3, cutoff=0.6)
            hint = (
                f"the nearest where HealthOmics is available: {', '.join(nearest)}"
                if nearest
                else f"HealthOmics is available in: {listed}"
            )
            raise ValueError(
                f"region={self.region!r} is not a region botocore knows; {hint}"
                " (requests to it could never be made)"
            )
        for flag in _FLAGS:
            if not isinstance(getattr(self, flag), bool):
                raise ValueError(f"{flag}={getattr(self, flag)!r} must be True or False")
        limit = self.max_run_caches
        if not isinstance(limit, int) or isinstance(limit, bool) or limit < 0:
            raise ValueError(f"max_run_caches={limit!r} must be a whole number >= 0")
        account_shape = _model.shape("AwsAccountId")
        problems = _validate.check(account_shape, self.account, "account")
        if problems:
            raise ValueError(
                f"account={self.account!r} is not an AWS account id: {problems[0].rule}"
                f" (model shape {account_shape.name})"
            )
        _KNOWN_VALID.add(self)
        return self

    def updated(self, overrides: Mapping[str, object]) -> Options:
        """A copy with ``overrides`` applied; unknown names are a ValueError naming them (the
        caller says where they came from)."""
        known = {f.name for f in fields(self)}
        unknown = sorted(set(overrides) - known)
        if unknown:
            raise ValueError(
                f"unknown option(s) {', '.join(unknown)};"
                f" valid options are: {', '.join(sorted(known))}"
            )
        return replace(self, **overrides)  # type: ignore[arg-type]


_KNOWN_VALID: set[Options] = set()
#: The options that are True or False.
_FLAGS = tuple(f.name for f in fields(Options) if isinstance(f.default, bool))
