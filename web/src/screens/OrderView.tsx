// One order: pay it at the bank's cashier (and come back to it), its ticket with the suggested
// arrival once the hospital confirms, cancel it and see how and when the money goes back.
import { useEffect, useState } from "preact/hooks";

import { pageUrl } from "../auth";
import { request, subscribe } from "../client";
import { usePage } from "../context";
import {
  CancelAppointmentDocument,
  OrderDocument,
  OrderUpdatesDocument,
  PayOrderDocument,
  type OrderFieldsFragment,
} from "../generated/graphql";
import { dateTime, yuan } from "../i18n";

// While the money is on its way the order changes without the patient doing anything.
const SETTLING = new Set(["AWAITING_PAYMENT", "PAID"]);
const RECHECK_MS = 2_000;

export function OrderView({ id, onBack }: { id: string; onBack: () => void }) {
  const { session, t } = usePage();
  const [order, setOrder] = useState<OrderFieldsFragment | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const load = () =>
    request(session, OrderDocument, { id })
      .then((d) => setOrder(d.order as OrderFieldsFragment | null))
      .catch((e: Error) => setError(e.message));

  useEffect(() => {
    load();
    // Pushed changes (paid, confirmed, refunded) reload the order; a slow recheck covers a
    // change that happened before the subscription started.
    const stop = subscribe(session, OrderUpdatesDocument, { orderId: id }, () => load());
    const timer = window.setInterval(() => {
      if (document.visibilityState === "visible") load();
    }, RECHECK_MS);
    return () => {
      stop();
      window.clearInterval(timer);
    };
  }, [id, session]);

  const pay = async () => {
    setBusy(true);
    setError(null);
    try {
      const { payOrder } = await request(session, PayOrderDocument, {
        orderId: id,
        idempotencyKey: `pay-${id}`,
      });
      if (payOrder.__typename === "PayOrderSuccess") {
        // WeChat Pay H5: redirect_url on the cashier's link brings the patient back here.
        const cashier = new URL(payOrder.payment.payUrl);
        cashier.searchParams.set("redirect_url", `${pageUrl()}?order=${encodeURIComponent(id)}`);
        window.location.assign(cashier.toString());
        return;
      }
      if ("message" in payOrder) setError(payOrder.message);
    } catch (e) {
      setError((e as Error).message);
    }
    setBusy(false);
  };

  const cancel = async () => {
    if (!window.confirm(t.confirmCancel)) return;
    setBusy(true);
    setError(null);
    try {
      const { cancelAppointment } = await request(session, CancelAppointmentDocument, {
        orderId: id,
        reason: null,
      });
      if (cancelAppointment.__typename === "CancelAppointmentSuccess") {
        setOrder(cancelAppointment.order);
      } else if ("message" in cancelAppointment) setError(cancelAppointment.message);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const back = (
    <p>
      <button class="link" onClick={onBack}>
        ← {t.back}
      </button>
    </p>
  );
  if (!order) return <section>{back}{error ? <p class="error">{error}</p> : <p class="muted">{t.loading}</p>}</section>;
  const a = order.appointment;
  const cancellable = order.kind === "REGISTRATION" && ["AWAITING_PAYMENT", "PAID", "CONFIRMED"].includes(order.status);
  return (
    <section>
      {back}
      <article class="card order" data-status={order.status}>
        <h2>
          {t.order} · <span class="status">{t.orderStatus[order.status] ?? order.status}</span>
        </h2>
        {a && (
          <p>
            {a.department?.name} {a.expert ? `· ${a.expert.name} ${a.expert.title}` : ""}
            <br />
            {a.date} {t.period[a.period]} {a.startsAt.slice(11, 16)}–{a.endsAt.slice(11, 16)}
          </p>
        )}
        <p>
          {order.patient.name} · {t.amount} {yuan(order.amount)}
        </p>
        {SETTLING.has(order.status) && order.paidAt && <p class="muted">{t.paying}</p>}
        {order.status === "AWAITING_PAYMENT" && (
          <button class="primary" disabled={busy} onClick={pay}>
            {t.payNow} {yuan(order.amount)}
          </button>
        )}
      </article>
      {order.ticket && (
        <article class="card ticket">
          <h2>{t.ticket}</h2>
          <p class="number">
            {t.ticketNumber} <strong>{order.ticket.number}</strong>
          </p>
          <p>
            {t.suggestedArrival}{" "}
            <strong class="arrival">{dateTime(order.ticket.suggestedArrival)}</strong>
          </p>
          {order.ticket.location && (
            <p>
              {t.location} {order.ticket.location}
            </p>
          )}
        </article>
      )}
      {order.refund && (
        <article class="card refund">
          <h2>{t.refund}</h2>
          <p>
            {t.amount} {yuan(order.refund.amount)} ·{" "}
            {t.refundStatuses[order.refund.status] ?? order.refund.status}
          </p>
          <p>
            {t.refundMode}{" "}
            <strong class="mode">
              {order.refund.mode ? t.refundModes[order.refund.mode] : "—"}
            </strong>
          </p>
          <p>
            {t.refundBy} <strong class="expected">{dateTime(order.refund.expectedBy)}</strong>
          </p>
        </article>
      )}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {cancellable && (
        <button class="danger" disabled={busy} onClick={cancel}>
          {t.cancel}
        </button>
      )}
    </section>
  );
}
