"""deliberation.heap: bulk work freezes the objects that existed before it for the garbage
collector, and hands them back when the last block ends, so garbage among them is still collected."""

from __future__ import annotations

import gc
import weakref

import pytest

from deliberation.heap import bulk_work, settled


class _Node:
    def __init__(self) -> None:
        self.me = self  # a reference cycle: only the collector frees it


def test_objects_before_the_block_are_frozen_and_handed_back_at_its_end():
    gc.collect()
    assert gc.get_freeze_count() == 0
    old = _Node()
    gone = weakref.ref(old)
    with bulk_work():
        assert gc.get_freeze_count() > 0
        del old  # garbage now, but frozen: a full collection inside the block skips it
        gc.collect()
        assert gone() is not None
        young = _Node()
        young_gone = weakref.ref(young)
        del young
        gc.collect()  # what the block itself makes is collected as usual
        assert young_gone() is None
    assert gc.get_freeze_count() == 0
    gc.collect()
    assert gone() is None


def test_nested_blocks_unfreeze_at_the_last_end_and_settled_does_nothing_outside():
    settled()
    assert gc.get_freeze_count() == 0
    with bulk_work():
        with bulk_work():
            pass
        assert gc.get_freeze_count() > 0
        kept = _Node()
        settled()  # what exists now stays frozen until the block ends
        assert gc.is_tracked(kept)
    assert gc.get_freeze_count() == 0


def test_an_error_in_the_block_still_unfreezes():
    with pytest.raises(ValueError):
        with bulk_work():
            raise ValueError("boom")
    assert gc.get_freeze_count() == 0
