"""The bank simulator: the subset of WeChat Pay API v3 a hospital uses, with its wire format.

Signed API (the merchant's ``Authorization`` is checked; every answer is signed by the platform):
- ``POST /v3/pay/transactions/h5`` → ``{h5_url}``, idempotent on out_trade_no;
- ``GET /v3/pay/transactions/out-trade-no/{no}?mchid=`` query; ``POST .../{no}/close`` → 204;
- ``GET /v3/pay/transactions/id/{transaction_id}?mchid=``: the query by the bank's own id;
- ``POST /v3/refund/domestic/refunds`` and ``GET /v3/refund/domestic/refunds/{no}``: a refund
  is SUCCESS at once, notified (REFUND.SUCCESS) in the background. Two faults bend that:
  ``refundsProcessing`` keeps new refunds PROCESSING until the fault is switched off (then they
  succeed and are notified); ``refundsAbnormal`` refuses new refunds for good, as for a
  payer's closed card: ABNORMAL, notified as REFUND.ABNORMAL, the money stays with the merchant;
- ``GET /v3/bill/tradebill?bill_date=&bill_type=ALL`` → ``{hash_type, hash_value, download_url}``
  and ``GET /v3/billdownload/file?token=`` → the CSV (not signed, like the real one: the SHA1
  in the first answer protects it): payment lines on the day paid, refund lines (SUCCESS) on
  the day refunded. A day without trades gives a file with only headers and a zero summary;
  a future day is refused.

Unsigned helpers for people and tests: the cashier ``GET|POST /cashier/{prepay_id}`` (its
"cancel" closes the bank order, so that payUrl can never be paid; a ``redirect_url`` the
merchant appended, as WeChat Pay H5 allows, is linked once the payer is done),
``GET /ledger``, ``GET|PUT /faults``, ``POST /reset``.

Faults apply to the signed API only. ``timeoutRate`` does the work and then holds the answer
for ``state.hang_seconds``: the worst case for a client, whose money moved but who never hears.

One concept a module: `records`, `state`, `rules`, `bills`, `serialise`, `notifications`,
`signing` (the platform's side of the v3 signatures, written apart from our client's),
`cashier`, `parse`, `endpoints`, `app`.
"""

from hospital_bff.simulators.bank.app import create_bank_app
from hospital_bff.simulators.bank.bills import BILL_HEADER, FUND_FLOW_HEADER
from hospital_bff.simulators.bank.errors import BankError
from hospital_bff.simulators.bank.state import BankState

__all__ = ["BILL_HEADER", "FUND_FLOW_HEADER", "BankError", "BankState", "create_bank_app"]
