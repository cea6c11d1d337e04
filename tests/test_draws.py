"""Fixed-seed sequences: the same values as a generator of that seed, however many are drawn,
whatever the global ``random`` is reseeded to; every fake starts them afresh."""

from __future__ import annotations

import random
import uuid
from typing import Any

from pytest_omics_cache import FakeOmics
from pytest_omics_cache._core.draws import OPENING, Draws, uuid4_text


def _bits(generator: random.Random) -> int:
    return generator.getrandbits(128)


def test_draws_are_the_generators_own_values_past_the_opening() -> None:
    draws = Draws(7, random.Random.random)
    bits = Draws(8, _bits)
    straight, straight_bits = random.Random(7), random.Random(8)

    assert [draws.next() for _ in range(3 * OPENING)] == [
        straight.random() for _ in range(3 * OPENING)
    ]
    assert [bits.next() for _ in range(2 * OPENING)] == [
        straight_bits.getrandbits(128) for _ in range(2 * OPENING)
    ]


def test_every_fake_gives_the_same_ids_whatever_random_is_seeded_to() -> None:
    def ids_and_uris(global_seed: int) -> list[Any]:
        random.seed(global_seed)
        fake = FakeOmics()
        with fake._activated():
            import botocore.session

            client = botocore.session.get_session().create_client("omics", region_name="us-east-1")
            seeded = [fake.add_run_cache()["id"] for _ in range(OPENING + 5)]
            location = "s3://bucket/caches"
            created = [client.create_run_cache(cacheS3Location=location)["id"] for _ in range(3)]
            uris = [client.get_run_cache(id=i)["cacheS3Uri"] for i in created]
        return [seeded, created, uris]

    first, second = ids_and_uris(1), ids_and_uris(2)

    assert first == second
    assert len(set(first[0] + first[1])) == OPENING + 8


def test_uuid_text_is_what_uuid_writes_for_a_version_4_uuid() -> None:
    generator = random.Random(3)
    edges = [0, 2**128 - 1, 0xF000 << 64, 0xC000 << 48]

    for bits in edges + [generator.getrandbits(128) for _ in range(1000)]:
        assert uuid4_text(bits) == str(uuid.UUID(int=bits, version=4))
