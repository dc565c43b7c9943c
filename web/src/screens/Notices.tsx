// Notices as they happen (graphql-transport-ws): paid, confirmed, refunded, a report ready.
import { useEffect, useState } from "preact/hooks";

import { subscribe } from "../client";
import { usePage } from "../context";
import { NoticeStreamDocument, type NoticeFieldsFragment } from "../generated/graphql";

const KEPT = 3;

export function Notices({ onNotice }: { onNotice: (notice: NoticeFieldsFragment) => void }) {
  const { session, t } = usePage();
  const [notices, setNotices] = useState<NoticeFieldsFragment[]>([]);
  useEffect(
    () =>
      subscribe(session, NoticeStreamDocument, {}, (d) => {
        const notice = d.notices as NoticeFieldsFragment;
        setNotices((old) => [notice, ...old].slice(0, KEPT));
        onNotice(notice);
      }),
    [session],
  );
  if (!notices.length) return null;
  return (
    <aside class="card notices" aria-live="polite">
      <h2>{t.live}</h2>
      {notices.map((n) => (
        <p key={n.id} data-kind={n.kind}>
          <strong>{n.title}</strong> {n.body}
        </p>
      ))}
    </aside>
  );
}
