"""Canned answers: what ``add_response`` queues for an operation no resource serves."""
