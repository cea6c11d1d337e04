"""Layer 2, the core: what every resource and transport shares (errors, the handler contract with
its one paging and error scheme, the tag quota, options, argument checks, id draws, injections,
the call log, request readings). It imports only the wire.
"""
