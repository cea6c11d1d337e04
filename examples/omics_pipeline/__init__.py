"""A small genomics-platform package: the kind of code pytest-omics-cache exists to test."""
