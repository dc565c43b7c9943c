// 实名认证: the account's holder, as the hospital records them.
import { useState } from "preact/hooks";

import { request } from "../client";
import { usePage } from "../context";
import { VerifyIdentityDocument } from "../generated/graphql";

export function Verify({ onVerified }: { onVerified: () => void }) {
  const { session, t } = usePage();
  const [name, setName] = useState("");
  const [idNumber, setIdNumber] = useState("");
  const [phone, setPhone] = useState("");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { verifyIdentity } = await request(session, VerifyIdentityDocument, {
        input: { name: name.trim(), idNumber: idNumber.trim(), phone: phone.trim() },
      });
      if (verifyIdentity.__typename === "VerifyIdentitySuccess") onVerified();
      else if ("message" in verifyIdentity) setError(verifyIdentity.message);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const field = (label: string, value: string, set: (v: string) => void, mode: string) => (
    <label class="field">
      <span>{label}</span>
      <input
        value={value}
        inputMode={mode as "text"}
        required
        onInput={(e) => set((e.target as HTMLInputElement).value)}
      />
    </label>
  );
  return (
    <form class="card" onSubmit={submit}>
      <h2>{t.verifyTitle}</h2>
      <p class="muted">{t.verifyIntro}</p>
      {field(t.name, name, setName, "text")}
      {field(t.idNumber, idNumber, setIdNumber, "text")}
      {field(t.phone, phone, setPhone, "tel")}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      <button class="primary" type="submit" disabled={busy}>
        {t.verify}
      </button>
    </form>
  );
}
