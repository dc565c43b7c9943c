// The page: signed out → WeChat; signed in but not verified → verify; then booking and orders.
import { useEffect, useMemo, useState } from "preact/hooks";

import { goToWechat, savedToken, saveToken, takeReturnedCode } from "./auth";
import { request, type Session } from "./client";
import { Ctx } from "./context";
import { MeDocument, SignInDocument, type MeQuery } from "./generated/graphql";
import { TEXTS, type Language } from "./i18n";
import { Bills } from "./screens/Bills";
import { Booking } from "./screens/Booking";
import { Family } from "./screens/Family";
import { Notices } from "./screens/Notices";
import { OrderView } from "./screens/OrderView";
import { Orders } from "./screens/Orders";
import { Reports } from "./screens/Reports";
import { Verify } from "./screens/Verify";

const LANGUAGE_KEY = "hospital-h5:language";
type Me = NonNullable<MeQuery["me"]>;
export type View =
  | { name: "book" }
  | { name: "orders" }
  | { name: "order"; id: string }
  | { name: "family" }
  | { name: "reports" }
  | { name: "bills" };

function initialView(): View {
  // Back from the bank's cashier: ?order=ID (the redirect_url the page gave it).
  const order = new URLSearchParams(window.location.search).get("order");
  return order ? { name: "order", id: order } : { name: "book" };
}

export function App() {
  const [language, setLanguage] = useState<Language>(
    (window.localStorage.getItem(LANGUAGE_KEY) as Language | null) ?? "zh-CN",
  );
  const [token, setToken] = useState<string | null>(savedToken());
  const [me, setMe] = useState<Me | null>(null);
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(true);
  const [view, setView] = useState<View>(initialView());
  const [patientId, setPatientId] = useState<string | null>(null);
  // Bumped by a live notice, so that an open list shows what the notice announced.
  const [noticed, setNoticed] = useState(0);
  const t = TEXTS[language];
  const session: Session = useMemo(() => ({ token, language }), [token, language]);

  useEffect(() => {
    document.documentElement.lang = language;
    document.title = t.title;
    window.localStorage.setItem(LANGUAGE_KEY, language);
  }, [language]);

  // Back from WeChat: exchange the code once.
  useEffect(() => {
    const returned = takeReturnedCode();
    if (returned === null) return;
    if ("mismatch" in returned) {
      setError(t.signInStateMismatch);
      return;
    }
    setBusy(true);
    request({ token: null, language }, SignInDocument, { code: returned.code })
      .then(({ signIn }) => {
        if (signIn.__typename === "SignInSuccess") {
          saveToken(signIn.token);
          setToken(signIn.token);
        } else if ("message" in signIn) {
          setError(signIn.message);
        }
      })
      .catch((e: Error) => setError(e.message))
      .finally(() => setBusy(false));
  }, []);

  const loadMe = () => {
    if (!token) {
      setBusy(false);
      return;
    }
    setBusy(true);
    request(session, MeDocument, {})
      .then(({ me }) => {
        setMe(me);
        if (me && me.patients.length && !me.patients.some((p) => p.id === patientId)) {
          setPatientId(me.patients[0].id);
        }
      })
      .catch((e: Error & { code?: string | null }) => {
        if (e.code === "UNAUTHENTICATED") {
          saveToken(null);
          setToken(null);
        } else setError(e.message);
      })
      .finally(() => setBusy(false));
  };
  useEffect(loadMe, [token]);

  const signOut = () => {
    saveToken(null);
    setToken(null);
    setMe(null);
  };

  let body;
  if (busy && !me) body = <p class="muted">{t.loading}</p>;
  else if (!token || !me)
    body = (
      <section class="card">
        <p>{t.signInIntro}</p>
        <button class="primary" onClick={goToWechat}>
          {t.signInWechat}
        </button>
      </section>
    );
  else if (!me.verified) body = <Verify onVerified={loadMe} />;
  else {
    const patients = me.patients;
    body = (
      <>
        <label class="patient">
          {t.patient}{" "}
          <select
            value={patientId ?? ""}
            onChange={(e) => setPatientId((e.target as HTMLSelectElement).value)}
          >
            {patients.map((p) => (
              <option value={p.id} key={p.id}>
                {p.name}
              </option>
            ))}
          </select>
        </label>
        <nav class="tabs">
          <button
            class={view.name === "book" ? "active" : ""}
            onClick={() => setView({ name: "book" })}
          >
            {t.departments}
          </button>
          <button
            class={view.name === "orders" || view.name === "order" ? "active" : ""}
            onClick={() => setView({ name: "orders" })}
          >
            {t.myOrders}
          </button>
          <button
            class={view.name === "bills" ? "active" : ""}
            onClick={() => setView({ name: "bills" })}
          >
            {t.bills}
          </button>
          <button
            class={view.name === "reports" ? "active" : ""}
            onClick={() => setView({ name: "reports" })}
          >
            {t.reports}
          </button>
          <button
            class={view.name === "family" ? "active" : ""}
            onClick={() => setView({ name: "family" })}
          >
            {t.family}
          </button>
        </nav>
        {view.name === "book" && patientId && (
          <Booking patientId={patientId} onBooked={(id) => setView({ name: "order", id })} />
        )}
        {view.name === "orders" && (
          <Orders patientId={patientId} onOpen={(id) => setView({ name: "order", id })} />
        )}
        {view.name === "bills" && patientId && (
          <Bills patientId={patientId} onOrder={(id) => setView({ name: "order", id })} />
        )}
        {view.name === "reports" && patientId && (
          <Reports patientId={patientId} refresh={noticed} />
        )}
        {view.name === "family" && <Family patients={patients} onBound={loadMe} />}
        {view.name === "order" && (
          <OrderView id={view.id} onBack={() => setView({ name: "orders" })} />
        )}
        <Notices onNotice={() => setNoticed((n) => n + 1)} />
      </>
    );
  }

  return (
    <Ctx.Provider value={{ session, language }}>
      <header>
        <h1>{t.title}</h1>
        <span class="spacer" />
        {me && (
          <button class="link" onClick={signOut}>
            {t.signOut}
          </button>
        )}
        <button
          class="link"
          lang={language === "en" ? "zh-CN" : "en"}
          onClick={() => setLanguage(language === "en" ? "zh-CN" : "en")}
        >
          {t.switchLanguage}
        </button>
      </header>
      <main>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        {body}
      </main>
    </Ctx.Provider>
  );
}
