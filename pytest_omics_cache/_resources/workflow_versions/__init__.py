"""Workflow versions: their state (``store``), the version handlers (``handlers``) and their part
of ``FakeOmics`` (``api``). A version belongs to a workflow, which it reaches only through what
the workflows resource registers (``Backend.kinds["workflow"]``)."""
