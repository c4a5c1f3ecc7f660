"""A compact set of `custom_id`s: 8 bytes a slot instead of a Python string and a set entry.

A run of a million requests remembers every id it has seen (to reject duplicates) and every id
an earlier run finished (to skip them). Python strings in a `set` cost ~100 bytes each; this
keeps a 64-bit BLAKE2b fingerprint per id in an open-addressing table (`array("Q")`, at most
half full), ~16-32 bytes an id. Two different ids share a fingerprint with a probability of
about n²/2⁶⁵ (3·10⁻⁸ for a million ids): then the second is taken for a duplicate.
"""

from __future__ import annotations

from array import array
from hashlib import blake2b

__all__ = ["IdSet"]


class IdSet:
    """`add(id)` and `id in ids` for strings, in little memory (see the module docstring)."""

    def __init__(self) -> None:
        self._slots = array("Q", bytes(8 * 1024))
        self._mask = 1023
        self._count = 0

    def __len__(self) -> int:
        return self._count

    @staticmethod
    def _fingerprint(custom_id: str) -> int:
        # 0 marks an empty slot, so a zero fingerprint becomes 1.
        return int.from_bytes(blake2b(custom_id.encode(), digest_size=8).digest(), "little") or 1

    def _find(self, fingerprint: int) -> int:
        """The slot holding `fingerprint`, or the empty slot where it would go."""
        slots, mask = self._slots, self._mask
        index = fingerprint & mask
        while True:
            held = slots[index]
            if held == 0 or held == fingerprint:
                return index
            index = (index + 1) & mask

    def __contains__(self, custom_id: object) -> bool:
        if not isinstance(custom_id, str):
            return False
        fingerprint = self._fingerprint(custom_id)
        return self._slots[self._find(fingerprint)] == fingerprint

    def add(self, custom_id: str) -> bool:
        """Add `custom_id`; False when it was there already."""
        fingerprint = self._fingerprint(custom_id)
        index = self._find(fingerprint)
        if self._slots[index] == fingerprint:
            return False
        self._slots[index] = fingerprint
        self._count += 1
        if self._count * 2 > len(self._slots):
            self._grow()
        return True

    def _grow(self) -> None:
        old = self._slots
        self._slots = array("Q", bytes(16 * len(old)))
        self._mask = len(self._slots) - 1
        for fingerprint in old:
            if fingerprint:
                self._slots[self._find(fingerprint)] = fingerprint
