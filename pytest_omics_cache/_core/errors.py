"""Errors a user of the fake can meet (kept light: imported with the plugin)."""


class UnservedRequestError(Exception):
    """An omics request that pytest-omics-cache does not serve. It was not sent anywhere.

    botocore does not retry it, so the call fails at once with this error.
    """
