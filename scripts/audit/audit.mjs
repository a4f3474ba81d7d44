// The GraphQL-over-HTTP audit of graphql-http against a running server:
//   node scripts/audit/audit.mjs http://127.0.0.1:8000/graphql
// Prints one JSON object: counts per status and every result that is not ok.
import { auditServer } from 'graphql-http';

const url = process.argv[2];
if (!url) {
  console.error('usage: node audit.mjs URL');
  process.exit(2);
}
const results = await auditServer({ url, fetchFn: fetch });
const counts = { ok: 0, notice: 0, warn: 0, error: 0 };
const failures = [];
for (const r of results) {
  counts[r.status] = (counts[r.status] ?? 0) + 1;
  if (r.status !== 'ok') failures.push({ id: r.id, name: r.name, status: r.status, reason: r.reason });
}
console.log(JSON.stringify({ total: results.length, ...counts, failures }));
