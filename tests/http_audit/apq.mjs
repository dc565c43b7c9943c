// Apollo Client's own persisted-query link against a running server, as a front end uses it:
// the first request carries only the hash, PERSISTED_QUERY_NOT_FOUND makes the link send the
// query with it, and a fresh client afterwards gets its answer from the hash alone.
// Usage: node apq.mjs <graphql url> <POST|GET> [accept]
//   GET: useGETForHashedQueries; accept: the Accept header instead of Apollo Client's default
//   (application/graphql-response+json,application/json;q=0.9), e.g. */* as Apollo Client 3 sent.
// Prints JSON {runs: [{data, requests: [{method, hashOnly, status, codes}]}]} on stdout.
import { createHash } from 'node:crypto';
import { ApolloClient, HttpLink, InMemoryCache, gql } from '@apollo/client';
import { PersistedQueryLink } from '@apollo/client/link/persisted-queries';

const [url, method, accept] = process.argv.slice(2);
if (!url || !['POST', 'GET'].includes(method)) {
  console.error('usage: node apq.mjs <graphql url> <POST|GET> [accept]');
  process.exit(2);
}

// A name of its own per way of sending, so each starts with its hash unknown to the server.
const name = `DepartmentsBy${method}${accept ? 'Legacy' : ''}`;
const QUERY = gql(`query ${name} { departments { id name } }`);

async function run() {
  const requests = [];
  const recordingFetch = async (input, init) => {
    const response = await fetch(input, init);
    const target = new URL(typeof input === 'string' ? input : input.url);
    const body = init?.body ? JSON.parse(init.body) : null;
    const sent = body ?? Object.fromEntries(target.searchParams);
    const text = await response.clone().text();
    let codes = [];
    try {
      codes = (JSON.parse(text).errors ?? []).map((e) => e.extensions?.code);
    } catch {
      codes = ['<not JSON>'];
    }
    requests.push({
      method: init?.method ?? 'GET',
      hashOnly: !sent.query,
      status: response.status,
      contentType: response.headers.get('content-type'),
      codes,
    });
    return response;
  };
  const link = new PersistedQueryLink({
    sha256: (text) => createHash('sha256').update(text).digest('hex'),
    useGETForHashedQueries: method === 'GET',
  }).concat(
    new HttpLink({ uri: url, fetch: recordingFetch, headers: accept ? { accept } : {} }),
  );
  const client = new ApolloClient({ link, cache: new InMemoryCache() });
  const { data, error } = await client.query({ query: QUERY, fetchPolicy: 'network-only' });
  return { data: data ?? null, error: error ? String(error) : null, requests };
}

const runs = [await run(), await run()];
process.stdout.write(JSON.stringify({ runs }, null, 2) + '\n');
