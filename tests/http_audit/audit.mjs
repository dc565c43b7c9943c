// Runs the graphql-http server audit suite (the GraphQL-over-HTTP spec's conformance checks)
// against a running server and prints one JSON array of {id, name, status, reason} on stdout.
// Usage: node audit.mjs http://127.0.0.1:8000/graphql
// The exit code is 0 whatever the results: the pytest test (tests/server/test_http_audit.py)
// judges them, MUSTs against the spec and failing SHOULDs against the README.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs <graphql url>');
  process.exit(2);
}

const results = await auditServer({ url });
const report = results.map(({ id, name, status, reason }) => ({
  id,
  name,
  status,
  ...(reason === undefined ? {} : { reason }),
}));
process.stdout.write(JSON.stringify(report, null, 2) + '\n');
