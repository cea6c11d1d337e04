"""Runs and their tasks: state and lifecycle (``store``), the run handlers (``handlers``) and their
part of ``FakeOmics`` (``api``)."""
