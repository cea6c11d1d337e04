"""How omics requests are signed while a fake is active: botocore's SigV4, without the hashing.

Nobody verifies a signature the fake receives, and computing one (the canonical request, a
SHA-256 of the payload, four HMACs) is about a fifth of botocore's whole cost per call. So the
``SigV4Auth`` that botocore chose for an omics request becomes a ``FixedSignatureSigV4``:
botocore's own ``add_auth`` still runs and writes every header it writes for AWS (``X-Amz-Date``,
``X-Amz-Security-Token`` when there is a token, ``Authorization`` with the credential scope and
the signed-header list), but the signature is a fixed string. Everything around signing
(``before-sign`` and ``choose-signer`` handlers, a signer a user chose) is untouched: only
botocore's plain SigV4 class is replaced, and only for omics requests. ``real_signatures=True``
keeps botocore's signer.
"""

from __future__ import annotations

from typing import Any

from botocore.auth import SIGNED_HEADERS_BLACKLIST, SigV4Auth

#: What stands where a computed signature would: 64 hex digits, as SigV4 writes them.
FIXED_SIGNATURE = "0" * 64

# Logged by botocore's add_auth (at DEBUG) where it logs the canonical request and the string
# to sign: say why they are absent rather than log an empty string.
_NOT_COMPUTED = "(not computed: pytest-omics-cache writes a fixed signature on omics requests)"
_UNSIGNED_HEADERS = frozenset(SIGNED_HEADERS_BLACKLIST)


class FixedSignatureSigV4(SigV4Auth):
    """botocore's SigV4 signer, writing the same headers with a fixed signature."""

    def canonical_request(self, request: Any) -> str:
        return _NOT_COMPUTED

    def string_to_sign(self, request: Any, canonical_request: str) -> str:
        return _NOT_COMPUTED

    def signature(self, string_to_sign: str, request: Any) -> str:
        return FIXED_SIGNATURE

    def headers_to_sign(self, request: Any) -> Any:
        # Only the names are read now (for SignedHeaders): a dict of them instead of botocore's
        # HTTPHeaders (an email.message), which costs more than the rest of this signer.
        names = {name.lower(): None for name in request.headers}
        for name in _UNSIGNED_HEADERS.intersection(names):
            del names[name]
        names.setdefault("host")
        return names


def cheap(auth: Any) -> Any:
    """``auth`` with the fixed signature, if it is botocore's plain SigV4 signer."""
    if type(auth) is SigV4Auth:
        auth.__class__ = FixedSignatureSigV4
    return auth
