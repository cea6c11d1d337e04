"""Run caches: their state (``store``), how seeds and created caches are checked and rendered
(``seed``), the five run-cache handlers (``handlers``) and their part of ``FakeOmics`` (``api``)."""
