// A small GraphQL client: automatic persisted queries over HTTP (the Apollo protocol: the
// sha256 of the text first, the text only when the server answers PERSISTED_QUERY_NOT_FOUND),
// and graphql-transport-ws subscriptions (graphql-ws). Documents are the generated, typed
// strings of the contract's operations.
import { createClient, type Client } from "graphql-ws";

import type { TypedDocumentString } from "./generated/graphql";
import { GRAPHQL_URL, GRAPHQL_WS_URL } from "./config";

export class GraphQLFailure extends Error {
  constructor(
    message: string,
    readonly code: string | null,
  ) {
    super(message);
  }
}

interface GraphQLError {
  message: string;
  extensions?: { code?: string; retryAfterMs?: number };
}

interface Answer<T> {
  data?: T | null;
  errors?: GraphQLError[];
}

const NOT_FOUND = "PERSISTED_QUERY_NOT_FOUND";
const hashes = new Map<string, string>();

async function sha256(text: string): Promise<string | null> {
  // crypto.subtle exists only in a secure context (https, or loopback); elsewhere the text goes.
  if (!globalThis.crypto?.subtle) return null;
  const digest = await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text));
  return Array.from(new Uint8Array(digest), (b) => b.toString(16).padStart(2, "0")).join("");
}

async function hashOf(query: string): Promise<string | null> {
  const known = hashes.get(query);
  if (known) return known;
  const hash = await sha256(query);
  if (hash) hashes.set(query, hash);
  return hash;
}

export interface Session {
  token: string | null;
  language: string;
}

function headers(session: Session): Record<string, string> {
  const sent: Record<string, string> = {
    "content-type": "application/json",
    accept: "application/graphql-response+json, application/json",
    "accept-language": session.language,
  };
  if (session.token) sent.authorization = `Bearer ${session.token}`;
  return sent;
}

// A busy server refuses a request before running any of it (docs/schema.md, "When the server
// is busy"): code TRY_AGAIN, and the turn it gives the request to come back, to the
// millisecond in the body (`retryAfterMs`), in whole seconds in `Retry-After`. The page sends
// the same request again then, jittered as the server's guide says (0.5x to 1.5x), for as
// long as BUSY_PATIENCE_MS; the screen is told how long each wait is (`onWait`).
const TRY_AGAIN = "TRY_AGAIN";
export const BUSY_PATIENCE_MS = 60_000;
const DEFAULT_TURN_MS = 1_000;
// The shortest wait, whatever a proxy's Retry-After says: never back-to-back requests.
const MIN_TURN_MS = 100;

export interface Options {
  /** Called before each wait for a busy server's turn, with its length in milliseconds. */
  onWait?: (ms: number) => void;
  /** No wait begins after this time (Date.now()); default BUSY_PATIENCE_MS from the call. */
  until?: number;
  /** Asked before each resend: false stops (the screen that asked is gone). */
  wanted?: () => boolean;
}

/** One wait for a busy server's turn: `ms` jittered, never under MIN_TURN_MS, told to the
 * screen before it begins (a booking's TryAgainError, which names no turn, waits the default). */
export async function waitTurn(options: Options, ms: number = DEFAULT_TURN_MS): Promise<void> {
  const wait = Math.max(MIN_TURN_MS, Math.round(ms * (0.5 + Math.random())));
  options.onWait?.(wait);
  await new Promise<void>((done) => setTimeout(done, wait));
}

interface Posted<T> {
  answer: Answer<T>;
  retryAfter: string | null;
}

async function post<T>(session: Session, body: object): Promise<Posted<T>> {
  const response = await fetch(GRAPHQL_URL, {
    method: "POST",
    headers: headers(session),
    body: JSON.stringify(body),
  });
  // GraphQL over HTTP answers errors with 4xx and a GraphQL body: read it either way.
  const type = response.headers.get("content-type") ?? "";
  if (!type.includes("json")) {
    throw new GraphQLFailure(`HTTP ${response.status}`, null);
  }
  const answer = (await response.json()) as Answer<T>;
  return { answer, retryAfter: response.headers.get("retry-after") };
}

function firstCode(answer: Answer<unknown>): string | null {
  return answer.errors?.[0]?.extensions?.code ?? null;
}

/** The turn a refused request was given: the body's milliseconds, else the header's seconds. */
function turnMs({ answer, retryAfter }: Posted<unknown>): number {
  const ms = answer.errors?.[0]?.extensions?.retryAfterMs;
  if (typeof ms === "number" && ms >= 0) return ms;
  const seconds = Number(retryAfter);
  return retryAfter && Number.isFinite(seconds) && seconds >= 0 ? seconds * 1000 : DEFAULT_TURN_MS;
}

async function once<TResult>(
  session: Session,
  query: string,
  hash: string | null,
  variables: unknown,
): Promise<Posted<TResult>> {
  if (!hash) return post<TResult>(session, { query, variables });
  const persistedQuery = { version: 1, sha256Hash: hash };
  const posted = await post<TResult>(session, { variables, extensions: { persistedQuery } });
  if (firstCode(posted.answer) !== NOT_FOUND) return posted;
  return post<TResult>(session, { query, variables, extensions: { persistedQuery } });
}

/** Run a query or mutation; resolves with its data, rejects with the first error. A request
 * the server was too busy to start is sent again at its turn (see TRY_AGAIN above). */
export async function request<TResult, TVariables>(
  session: Session,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  options: Options = {},
): Promise<TResult> {
  const query = document.toString();
  const hash = await hashOf(query);
  const until = options.until ?? Date.now() + BUSY_PATIENCE_MS;
  let posted = await once<TResult>(session, query, hash, variables);
  // A request error (no `data` at all): refused before anything ran, so the same request is
  // safe to send again. A field's TRY_AGAIN (`data: null`, a resolver that met Redis away
  // half-way) is not: it may have done part of its work, and is the caller's to judge.
  while (
    firstCode(posted.answer) === TRY_AGAIN &&
    posted.answer.data === undefined &&
    Date.now() < until &&
    (options.wanted?.() ?? true)
  ) {
    await waitTurn(options, turnMs(posted));
    posted = await once<TResult>(session, query, hash, variables);
  }
  const answer = posted.answer;
  if (answer.errors?.length) {
    throw new GraphQLFailure(answer.errors[0].message, firstCode(answer));
  }
  if (!answer.data) throw new GraphQLFailure("no data", null);
  return answer.data;
}

let socket: { client: Client; token: string | null } | null = null;

function socketFor(session: Session): Client {
  if (socket && socket.token === session.token) return socket.client;
  socket?.client.dispose();
  const token = session.token;
  const client = createClient({
    url: GRAPHQL_WS_URL,
    // The server reads Authorization from connection_init.
    connectionParams: token ? { Authorization: `Bearer ${token}` } : {},
    lazy: true,
    retryAttempts: 5,
  });
  socket = { client, token };
  return client;
}

/** Subscribe; returns the function that stops it. */
export function subscribe<TResult, TVariables>(
  session: Session,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
  onData: (data: TResult) => void,
): () => void {
  return socketFor(session).subscribe<TResult>(
    { query: document.toString(), variables: variables as Record<string, unknown> },
    {
      next: (answer) => {
        if (answer.data) onData(answer.data as TResult);
      },
      error: () => undefined,
      complete: () => undefined,
    },
  );
}
