// 门诊缴费: the selected patient's unpaid bills, paid together as one order (then at the
// bank's cashier, as a booking is). Only self-pay patients pay online; the server says so
// for the others.
import { useEffect, useState } from "preact/hooks";

import { request } from "../client";
import { usePage } from "../context";
import { PayBillsDocument, UnpaidBillsDocument, type UnpaidBillsQuery } from "../generated/graphql";
import { dateTime, yuan } from "../i18n";

type Bill = UnpaidBillsQuery["unpaidBills"][number];

export function Bills({ patientId, onOrder }: { patientId: string; onOrder: (id: string) => void }) {
  const { session, t } = usePage();
  const [bills, setBills] = useState<Bill[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  useEffect(() => {
    setError(null);
    setBills(null);
    request(session, UnpaidBillsDocument, { patientId })
      .then((d) => setBills(d.unpaidBills))
      .catch((e: Error) => setError(e.message));
  }, [patientId, session]);

  const pay = async () => {
    if (!bills?.length) return;
    setBusy(true);
    setError(null);
    try {
      const { payBills } = await request(session, PayBillsDocument, {
        input: { patientId, billIds: bills.map((b) => b.id), idempotencyKey: crypto.randomUUID() },
      });
      if (payBills.__typename === "PayBillsSuccess") onOrder(payBills.order.id);
      else if ("message" in payBills) setError(payBills.message);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const problem = error && (
    <p class="error" role="alert">
      {error}
    </p>
  );
  if (!bills) return problem || <p class="muted">{t.loading}</p>;
  if (!bills.length) return problem || <p class="muted">{t.noBills}</p>;
  const total = bills.reduce((sum, b) => sum + b.amount, 0);
  return (
    <section>
      {problem}
      {bills.map((b) => (
        <article class="card bill" key={b.id}>
          <h3>
            {b.title} · {yuan(b.amount)}
          </h3>
          <p class="muted">{dateTime(b.issuedAt)}</p>
          {b.items.map((i) => (
            <p key={i.code}>
              <small>
                {i.name} {yuan(i.amount)}
              </small>
            </p>
          ))}
        </article>
      ))}
      <button class="primary" disabled={busy} onClick={pay}>
        {t.payBills} {yuan(total)}
      </button>
    </section>
  );
}
