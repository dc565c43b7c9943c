"""Generated request ids: random, never repeated, in a forked child too."""

from __future__ import annotations

import os
import re

from hospital_bff.request_id import new_request_id


def test_ids_are_32_hex_digits_and_never_repeat() -> None:
    ids = [new_request_id() for _ in range(2_000)]  # several draws of the pool
    assert all(re.fullmatch(r"[0-9a-f]{32}", i) for i in ids)
    assert len(set(ids)) == len(ids)


def test_a_forked_child_does_not_repeat_its_parents_ids() -> None:
    new_request_id()  # the pool holds ids drawn ahead
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: its next ids, then gone
        os.write(write, "".join(new_request_id() for _ in range(8)).encode())
        os._exit(0)
    os.close(write)
    with os.fdopen(read) as pipe:
        child = pipe.read()
    os.waitpid(pid, 0)
    theirs = {child[i : i + 32] for i in range(0, len(child), 32)}
    ours = {new_request_id() for _ in range(8)}
    assert len(theirs) == 8
    assert not theirs & ours
