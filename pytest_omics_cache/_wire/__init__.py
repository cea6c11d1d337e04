"""Layer 1, the wire: the botocore service model and what it says about a request and its answer
(patterns, hosts, the rest-json protocol, validation and its wording, answer writing, the clock).

Nothing here holds state between requests: it imports only the standard library and botocore.
"""
