"""The business: pure rules (no I/O) beside the services that apply them.

Who opens the transaction: one convention, in every service
-----------------------------------------------------------
- A *step* takes an `AsyncSession` (and the `Runtime` when it needs the clock or an outside
  system). It works inside its caller's unit of work: it may flush, it never commits. An
  HTTP call a step needs (the HIS's master index, WeChat's code exchange) is made before the
  unit reads or writes anything, so no connection idles in a transaction while an outside
  system answers.
- A *command* takes the `Runtime` and ids (never rows of another transaction), and no
  session. It opens its own units of work with `services.uow.unit_of_work`, as many short
  ones as its flow needs, and calls the HIS or the bank between them, never inside one
  (booking: hold, then lock at the HIS, then the order; `services/money/` throughout).
- The boundary holds no session around a command. A GraphQL mutation calls one command
  through `resolvers.mutations.command_result`, or runs steps in one unit through
  `resolvers.mutations.in_one_unit`; a webhook or a job calls commands, or opens one
  `uow.unit_of_work` around steps. Reads that change nothing use a plain
  `runtime.sessions()` session.
- What a unit made true leaves after its commit, and only then: jobs through
  `jobs.enqueue.enqueue_after_commit`, events through `uow.publish_after_commit`, metrics
  through `metrics.count_after_commit`; notices are rows of the same transaction.
- A refusal is a `services.errors.DomainError` with a stable code; raised inside a unit, it
  rolls the unit back, so bad input changes nothing. What must outlive that rollback (a
  failed identity check on the audit trail, an attempt counted against its budget) is
  written in a unit of its own (`audit.record_apart`, `identity_attempts.reserve`).
"""
