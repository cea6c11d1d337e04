"""Run groups' state: every run group the fake holds, per account and region."""

from __future__ import annotations

from pytest_omics_cache._core.handlers import Caller
from pytest_omics_cache._core.records import Records
from pytest_omics_cache._wire import model as _model


class RunGroupStore(Records):
    """Every run group the fake holds, in creation order."""

    noun = "Run group"
    seed = 20221128 + 30
    __slots__ = ()


def run_group_arn(caller: Caller, group_id: str) -> str:
    return (
        f"arn:{_model.partition(caller.region)}:omics:{caller.region}:{caller.account}"
        f":runGroup/{group_id}"
    )
