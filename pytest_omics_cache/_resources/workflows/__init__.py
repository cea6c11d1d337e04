"""Workflows: their state (``store``), the workflow handlers (``handlers``) and their part of
``FakeOmics`` (``api``)."""
