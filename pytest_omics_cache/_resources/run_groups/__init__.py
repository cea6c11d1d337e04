"""Run groups: their state (``store``), the run-group handlers (``handlers``) and their part of
``FakeOmics`` (``api``)."""
