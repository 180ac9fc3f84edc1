// graphql-sse, distinct connections mode: a subscription over Server-Sent Events to completion.
import { createClient } from 'graphql-sse';
import { http, job, check, deadline, JOB_UPDATES } from './check.mjs';

deadline(60);
const client = createClient({ url: http, retryAttempts: 0 });
const updates = [];
await new Promise((resolve, reject) =>
  client.subscribe(
    { query: JOB_UPDATES, variables: { n: job } },
    { next: (r) => updates.push(r), error: reject, complete: resolve }
  )
);
const last = updates.at(-1)?.data?.jobUpdates;
check(last?.status === 'SUCCEEDED' && last.finished === true, 'jobUpdates over SSE completes with SUCCEEDED', updates);
const result = await new Promise((resolve, reject) => {
  let out;
  client.subscribe(
    { query: '{ skills(limit: 1) { name } }' },
    { next: (r) => (out = r), error: reject, complete: () => resolve(out) }
  );
});
check(Array.isArray(result?.data?.skills), 'a query over SSE answers once and completes', result);
client.dispose();
