// Signing in through the official account's web authorisation (公众号网页授权, snsapi_base):
// off to WeChat's page with a one-time `state`, back here with ?code&state, the code exchanged
// by the SignIn mutation once, then taken out of the address.
import { WECHAT_APP_ID, WECHAT_AUTHORIZE_URL } from "./config";

const STATE_KEY = "hospital-h5:sign-in-state";
const TOKEN_KEY = "hospital-h5:token";

export function savedToken(): string | null {
  return window.sessionStorage.getItem(TOKEN_KEY);
}

export function saveToken(token: string | null): void {
  if (token) window.sessionStorage.setItem(TOKEN_KEY, token);
  else window.sessionStorage.removeItem(TOKEN_KEY);
}

function randomState(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

/** The page itself, without its query: where WeChat sends the patient back. */
export function pageUrl(): string {
  return window.location.origin + window.location.pathname;
}

export function goToWechat(): void {
  const state = randomState();
  window.sessionStorage.setItem(STATE_KEY, state);
  const target = new URL(WECHAT_AUTHORIZE_URL);
  target.search = new URLSearchParams({
    appid: WECHAT_APP_ID,
    redirect_uri: pageUrl(),
    response_type: "code",
    scope: "snsapi_base",
    state,
  }).toString();
  target.hash = "wechat_redirect";
  window.location.assign(target.toString());
}

export type Returned = { code: string } | { mismatch: true } | null;

/** Back from WeChat? The code, if the state is the one this tab sent; the address cleaned. */
export function takeReturnedCode(): Returned {
  const params = new URLSearchParams(window.location.search);
  const code = params.get("code");
  if (!code) return null;
  const state = params.get("state");
  const expected = window.sessionStorage.getItem(STATE_KEY);
  window.sessionStorage.removeItem(STATE_KEY);
  params.delete("code");
  params.delete("state");
  const rest = params.toString();
  window.history.replaceState(null, "", pageUrl() + (rest ? `?${rest}` : ""));
  return expected !== null && expected === state ? { code } : { mismatch: true };
}
