// 报告: the selected patient's reports, and one report's results. Who may read which is the
// server's rule (a bound patient's own; see the README, "Who reads a patient's records"): a
// refusal is shown as the server words it.
import { useEffect, useState } from "preact/hooks";

import { request } from "../client";
import { usePage } from "../context";
import {
  ReportDocument,
  ReportsDocument,
  type ReportQuery,
  type ReportsQuery,
} from "../generated/graphql";
import { dateTime } from "../i18n";

type Row = ReportsQuery["reports"]["edges"][number]["node"];
type Detail = NonNullable<ReportQuery["report"]>;

export function Reports({ patientId, refresh }: { patientId: string; refresh: number }) {
  const { session, t } = usePage();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [open, setOpen] = useState<Detail | null>(null);
  const [error, setError] = useState<string | null>(null);

  useEffect(() => {
    setError(null);
    request(session, ReportsDocument, { patientId, first: 20, after: null })
      .then((d) => setRows(d.reports.edges.map((e) => e.node)))
      .catch((e: Error) => setError(e.message));
  }, [patientId, session, refresh]);

  const show = (id: string) =>
    request(session, ReportDocument, { id })
      .then((d) => setOpen(d.report))
      .catch((e: Error) => setError(e.message));

  if (error)
    return (
      <p class="error" role="alert">
        {error}
      </p>
    );
  if (open)
    return (
      <section class="card report">
        <p>
          <button class="link" onClick={() => setOpen(null)}>
            ← {t.back}
          </button>
        </p>
        <h2>{open.title}</h2>
        <p class="muted">{dateTime(open.issuedAt)}</p>
        {open.conclusion && <p>{open.conclusion}</p>}
        <table>
          <tbody>
            {open.items.map((i) => (
              <tr key={i.name}>
                <td>{i.name}</td>
                <td>
                  {i.value} {i.unit ?? ""} {i.flag === "NORMAL" ? "" : (t.flags[i.flag] ?? i.flag)}
                </td>
                <td class="muted">{i.referenceRange ?? ""}</td>
              </tr>
            ))}
          </tbody>
        </table>
      </section>
    );
  if (!rows) return <p class="muted">{t.loading}</p>;
  if (!rows.length) return <p class="muted">{t.noReports}</p>;
  return (
    <ul class="list reports">
      {rows.map((r) => (
        <li key={r.id}>
          <button class="row" onClick={() => show(r.id)}>
            <span>{r.title}</span>
            <small class="muted">{dateTime(r.issuedAt)}</small>
          </button>
        </li>
      ))}
    </ul>
  );
}
