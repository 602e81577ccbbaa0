"""A secret sealed for one browser (`core.sealed`): opened with its own opening key, for its own
job, as sealed; any other key, job or changed byte opens nothing."""

import pytest

from core.sealed import Unsealable, key_pair, seal, unseal

SECRET = b'[["user1", "Kp7#abcdefgh"]]'


def test_the_opening_key_opens_what_its_sealing_key_sealed():
    opening, sealing = key_pair()

    sealed = seal(sealing, SECRET, context=b"job 1")

    assert unseal(opening, sealed, context=b"job 1") == SECRET
    assert SECRET not in sealed and b"Kp7#" not in sealed
    assert seal(sealing, SECRET, context=b"job 1") != sealed  # a fresh key each time


def test_another_key_another_job_or_a_changed_byte_opens_nothing():
    opening, sealing = key_pair()
    other, _ = key_pair()
    sealed = seal(sealing, SECRET, context=b"job 1")
    changed = sealed[:-1] + bytes([sealed[-1] ^ 1])

    for key, blob, context in [
        (other, sealed, b"job 1"),
        (opening, sealed, b"job 2"),
        (opening, changed, b"job 1"),
        (opening, sealed[:20], b"job 1"),
    ]:
        with pytest.raises(Unsealable):
            unseal(key, blob, context=context)


@pytest.mark.parametrize("key", [None, "", "abc", "A" * 44, "不是钥匙", "QUJD" * 20])
def test_a_missing_or_malformed_key_opens_nothing(key):
    _, sealing = key_pair()

    with pytest.raises(Unsealable):
        unseal(key, seal(sealing, SECRET, context=b"job 1"), context=b"job 1")
