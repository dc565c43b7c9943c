// Where the API and the official account's web authorisation are. Same origin by default
// (the page served by the API server at /h5/); a CDN build sets the VITE_ variables.
const env = import.meta.env;

function absolute(url: string): string {
  return new URL(url, window.location.href).toString();
}

export const GRAPHQL_URL = absolute(env.VITE_GRAPHQL_URL ?? "/graphql");
export const GRAPHQL_WS_URL = GRAPHQL_URL.replace(/^http/, "ws");
export const WECHAT_AUTHORIZE_URL = absolute(
  env.VITE_WECHAT_AUTHORIZE_URL ?? "/sim/wechat/connect/oauth2/authorize",
);
export const WECHAT_APP_ID: string = env.VITE_WECHAT_APP_ID ?? "wx-hospital-demo";
