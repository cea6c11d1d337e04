"""Layer 3, the resources: one folder per resource the fake holds, each with its state, its
handlers and its part of ``FakeOmics``; ``catalog`` is the only list of them. A resource folder
never imports another: what one needs of another comes through what the catalog registers in
the core (``Backend.kinds``).
"""
