"""Layer 6, the test author's API: ``FakeOmics`` composed of the resources' parts, ``mock_omics``,
the fixture's work, the teardown check and the failure summary."""
