"""The money path: orders, payments, confirmation, cancellation, refunds, reconciliation.

    rules.py               states (OrderStatus, PaymentStatus, RefundStatus), transitions,
                           refund modes and typed outcomes; pure, no I/O
    orders.py              order creation, owned look-ups, the one `transition`
    holds.py               a slot's places: leased holds, their release, the count's resync
    payments.py            pay, settle (by the bank's success time), poll, expire
    confirmation.py        confirm at the HIS, or fail and refund
    cancellation.py        cancel by the patient or for a suspended schedule
    refunds.py             open, send and record refunds
    reconciliation_rules.py  the pure matcher of bill lines to payments and refunds
    reconciliation.py      the next-day runner: load, match, correct, batch
    batch_file.py          the day's batch refund file for the finance office

Conventions, true in every module here:
- Commands take the `Runtime` and ids (never ORM rows from another transaction) and open
  their own units of work (`services.uow.unit_of_work`); callers (resolvers, webhooks, jobs)
  never open a transaction around them. Helpers that take an `AsyncSession` work inside
  the caller's transaction and never commit.
- A command locks the order (`orders.lock_order`), checks its guard on what it finds,
  moves the state only through `orders.transition` (the one choke point, idempotent by
  status and version) and answers a typed outcome of `rules` (an enum, never a string).
- Side effects leave after commit: jobs through `jobs.enqueue.enqueue_after_commit`, events
  through `uow.publish_after_commit`, notices as rows of the same transaction. HTTP to the
  bank or the HIS is never made inside a transaction; an unknown outcome is settled by
  asking, never by guessing.
"""
