"""Layer 5, the transports: how requests reach the one request path (``_service``) from
botocore, aiobotocore, raw ``requests``, the loopback endpoint and the socket guard, and how a
fake's activation swaps them in and out.
"""
