// Departments → the week's clinics, each slot with whether this patient can book it and why
// not (the server's eligibility, explained rather than greyed out) → book.
import { useEffect, useRef, useState } from "preact/hooks";

import { BUSY_PATIENCE_MS, request, waitTurn } from "../client";
import { usePage } from "../context";
import {
  BookAppointmentDocument,
  DepartmentSchedulesDocument,
  DepartmentsDocument,
  type DepartmentSchedulesQuery,
  type DepartmentsQuery,
} from "../generated/graphql";
import { yuan } from "../i18n";

type Department = DepartmentsQuery["departments"][number];
type Schedule = DepartmentSchedulesQuery["schedules"][number];

function isoDate(date: Date): string {
  const local = new Date(date.getTime() - date.getTimezoneOffset() * 60_000);
  return local.toISOString().slice(0, 10);
}

function time(iso: string): string {
  return iso.slice(11, 16);
}

export function Booking({
  patientId,
  onBooked,
}: {
  patientId: string;
  onBooked: (orderId: string) => void;
}) {
  const { session, t } = usePage();
  const [departments, setDepartments] = useState<Department[] | null>(null);
  const [chosen, setChosen] = useState<{ id: string; name: string } | null>(null);
  const [schedules, setSchedules] = useState<Schedule[] | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [booking, setBooking] = useState(false);
  const [waiting, setWaiting] = useState(false);
  // Whether this screen is still shown: a booking waiting its turn stops when it is not.
  const mounted = useRef(true);
  useEffect(() => () => void (mounted.current = false), []);

  useEffect(() => {
    request(session, DepartmentsDocument, {})
      .then((d) => setDepartments(d.departments))
      .catch((e: Error) => setError(e.message));
  }, [session]);

  useEffect(() => {
    if (!chosen) return;
    setSchedules(null);
    const today = new Date();
    const to = new Date(today.getTime() + 6 * 86_400_000);
    request(session, DepartmentSchedulesDocument, {
      departmentId: chosen.id,
      from: isoDate(today),
      to: isoDate(to),
      patientId,
    })
      .then((d) => setSchedules(d.schedules))
      .catch((e: Error) => setError(e.message));
  }, [chosen, patientId, session]);

  const book = async (slotId: string) => {
    setBooking(true);
    setError(null);
    // One key for this click: every time it is sent again (a busy server's turn) it is the same
    // booking, never a second one.
    const input = { patientId, slotId, idempotencyKey: crypto.randomUUID() };
    // One minute of patience for the whole booking, however it is refused; none once the
    // patient has left this screen.
    const options = {
      onWait: () => setWaiting(true),
      until: Date.now() + BUSY_PATIENCE_MS,
      wanted: () => mounted.current,
    };
    try {
      for (;;) {
        const { bookAppointment } = await request(session, BookAppointmentDocument, { input }, options);
        if (!mounted.current) return;
        if (bookAppointment.__typename === "BookAppointmentSuccess") {
          onBooked(bookAppointment.order.id);
        } else if (bookAppointment.__typename === "TryAgainError" && Date.now() < options.until) {
          // Too many bookings at once: nothing was taken; the same booking again in a moment.
          await waitTurn(options);
          if (!mounted.current) return;
          continue;
        } else if ("message" in bookAppointment) setError(bookAppointment.message);
        break;
      }
    } catch (e) {
      if (mounted.current) setError((e as Error).message);
    } finally {
      if (mounted.current) {
        setWaiting(false);
        setBooking(false);
      }
    }
  };

  const problem = (error && (
    <p class="error" role="alert">
      {error}
    </p>
  )) || (waiting && (
    <p class="busy" role="status">
      {t.busy}
    </p>
  ));

  if (!chosen) {
    if (!departments) return problem || <p class="muted">{t.loading}</p>;
    // A parent department with children is a heading; its children are what one books.
    const rows = departments.flatMap((d) =>
      d.children.length ? d.children.map((c) => ({ ...c, parent: d.name })) : [{ id: d.id, name: d.name, parent: "" }],
    );
    return (
      <section>
        {problem}
        <ul class="list">
          {rows.map((d) => (
            <li key={d.id}>
              <button class="row" onClick={() => setChosen({ id: d.id, name: d.name })}>
                <span>{d.name}</span>
                <small class="muted">{d.parent}</small>
              </button>
            </li>
          ))}
        </ul>
      </section>
    );
  }

  return (
    <section>
      <p>
        <button class="link" onClick={() => setChosen(null)}>
          ← {t.back}
        </button>{" "}
        <strong>{chosen.name}</strong>
      </p>
      {problem}
      {!schedules && <p class="muted">{t.loading}</p>}
      {schedules && !schedules.length && <p class="muted">{t.noSchedules}</p>}
      {schedules?.map((s) => (
        <article class="card schedule" key={s.id} data-schedule={s.id} data-date={s.date}>
          <h3>
            {s.date} {t.period[s.period]} · {s.expert ? `${s.expert.name} ${s.expert.title}` : chosen.name}
          </h3>
          <p class="muted">
            {t.fee} {yuan(s.fee)} · {t.remaining} {s.remaining}/{s.capacity}
          </p>
          {s.eligibility && !s.eligibility.eligible ? (
            <p class="reason" data-code={s.eligibility.code ?? ""}>
              {s.eligibility.reason}
            </p>
          ) : (
            <div class="slots">
              {/* A slot that has ended cannot be booked any more (the HIS refuses it). */}
              {s.slots.filter((slot) => Date.parse(slot.endsAt) > Date.now()).length === 0 && (
                <p class="muted">{t.ended}</p>
              )}
              {s.slots.filter((slot) => Date.parse(slot.endsAt) > Date.now()).map((slot) => (
                <button
                  key={slot.id}
                  class="slot"
                  disabled={booking || slot.remaining < 1}
                  title={slot.remaining < 1 ? t.full : t.eligible}
                  onClick={() => book(slot.id)}
                >
                  {time(slot.startsAt)}–{time(slot.endsAt)}
                  <small>{slot.remaining < 1 ? t.full : `${t.remaining} ${slot.remaining}`}</small>
                </button>
              ))}
            </div>
          )}
        </article>
      ))}
    </section>
  );
}
