// The patient's bookings, newest first.
import { useEffect, useState } from "preact/hooks";

import { request } from "../client";
import { usePage } from "../context";
import { OrdersDocument, type OrderFieldsFragment } from "../generated/graphql";
import { yuan } from "../i18n";

export function Orders({
  patientId,
  onOpen,
}: {
  patientId: string | null;
  onOpen: (id: string) => void;
}) {
  const { session, t } = usePage();
  const [orders, setOrders] = useState<OrderFieldsFragment[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => {
    request(session, OrdersDocument, { patientId, status: null, first: 20, after: null })
      .then((d) => setOrders(d.orders.edges.map((e) => e.node as OrderFieldsFragment)))
      .catch((e: Error) => setError(e.message));
  }, [patientId, session]);
  if (error) return <p class="error">{error}</p>;
  if (!orders) return <p class="muted">{t.loading}</p>;
  if (!orders.length) return <p class="muted">{t.noOrders}</p>;
  return (
    <ul class="list">
      {orders.map((o) => (
        <li key={o.id}>
          <button class="row" onClick={() => onOpen(o.id)}>
            <span>
              {o.appointment?.date} {o.appointment?.department?.name ?? o.items[0]?.name}
            </span>
            <small>
              {t.orderStatus[o.status] ?? o.status} · {yuan(o.amount)}
            </small>
          </button>
        </li>
      ))}
    </ul>
  );
}
