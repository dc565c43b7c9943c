// 就诊人: the patients this account books for, and binding a family member (the HIS must know
// them: a name, ID number and phone it does not hold answer IDENTITY_MISMATCH).
import { useState } from "preact/hooks";

import { request } from "../client";
import { usePage } from "../context";
import { BindPatientDocument, type MeQuery, type Relation } from "../generated/graphql";

type Patient = NonNullable<MeQuery["me"]>["patients"][number];
const RELATIONS: Relation[] = ["CHILD", "PARENT", "SPOUSE", "OTHER"];

export function Family({ patients, onBound }: { patients: Patient[]; onBound: () => void }) {
  const { session, t } = usePage();
  const [name, setName] = useState("");
  const [idNumber, setIdNumber] = useState("");
  const [phone, setPhone] = useState("");
  const [relation, setRelation] = useState<Relation>("CHILD");
  const [error, setError] = useState<string | null>(null);
  const [busy, setBusy] = useState(false);

  const submit = async (event: Event) => {
    event.preventDefault();
    setBusy(true);
    setError(null);
    try {
      const { bindPatient } = await request(session, BindPatientDocument, {
        input: { name: name.trim(), idNumber: idNumber.trim(), phone: phone.trim(), relation },
      });
      if (bindPatient.__typename === "BindPatientSuccess") {
        setName("");
        setIdNumber("");
        onBound();
      } else if ("message" in bindPatient) setError(bindPatient.message);
    } catch (e) {
      setError((e as Error).message);
    } finally {
      setBusy(false);
    }
  };

  const input = (label: string, value: string, set: (v: string) => void) => (
    <label class="field">
      <span>{label}</span>
      <input value={value} required onInput={(e) => set((e.target as HTMLInputElement).value)} />
    </label>
  );
  return (
    <section>
      <ul class="list">
        {patients.map((p) => (
          <li key={p.id} class="card patient-row">
            <strong>{p.name}</strong> <small class="muted">{t.relations[p.relation]}</small>
            <br />
            <small class="muted">
              {p.maskedIdNumber} · {p.cardNumber ?? ""}
            </small>
          </li>
        ))}
      </ul>
      <form class="card" onSubmit={submit}>
        <h2>{t.bindTitle}</h2>
        {input(t.name, name, setName)}
        {input(t.idNumber, idNumber, setIdNumber)}
        {input(t.phone, phone, setPhone)}
        <label class="field">
          <span>{t.relation}</span>
          <select
            value={relation}
            onChange={(e) => setRelation((e.target as HTMLSelectElement).value as Relation)}
          >
            {RELATIONS.map((r) => (
              <option value={r} key={r}>
                {t.relations[r]}
              </option>
            ))}
          </select>
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="primary" type="submit" disabled={busy}>
          {t.bind}
        </button>
      </form>
    </section>
  );
}
