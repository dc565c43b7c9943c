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
  extensions?: { code?: string };
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

async function post<T>(session: Session, body: object): Promise<Answer<T>> {
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
  return (await response.json()) as Answer<T>;
}

function firstCode(answer: Answer<unknown>): string | null {
  return answer.errors?.[0]?.extensions?.code ?? null;
}

/** Run a query or mutation; resolves with its data, rejects with the first error. */
export async function request<TResult, TVariables>(
  session: Session,
  document: TypedDocumentString<TResult, TVariables>,
  variables: TVariables,
): Promise<TResult> {
  const query = document.toString();
  const hash = await hashOf(query);
  let answer: Answer<TResult>;
  if (hash) {
    const persistedQuery = { version: 1, sha256Hash: hash };
    answer = await post<TResult>(session, { variables, extensions: { persistedQuery } });
    if (firstCode(answer) === NOT_FOUND) {
      answer = await post<TResult>(session, { query, variables, extensions: { persistedQuery } });
    }
  } else {
    answer = await post<TResult>(session, { query, variables });
  }
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
