import { createContext } from "preact";
import { useContext } from "preact/hooks";

import type { Session } from "./client";
import { TEXTS, type Language } from "./i18n";

export interface PageContext {
  session: Session;
  language: Language;
}

export const Ctx = createContext<PageContext>({ session: { token: null, language: "zh-CN" }, language: "zh-CN" });

export function usePage(): PageContext & { t: (typeof TEXTS)["en"] } {
  const page = useContext(Ctx);
  return { ...page, t: TEXTS[page.language] };
}
