"""dramatiq actors: take ids, re-check state, safe to run twice; enqueued after commit."""
