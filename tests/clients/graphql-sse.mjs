// graphql-sse, distinct connections mode: a subscription over Server-Sent Events to completion.
import { createClient } from 'graphql-sse';
import { http, job, check, collect, deadline, JOB_UPDATES } from './check.mjs';

deadline(60);
const client = createClient({ url: http, retryAttempts: 0 });
const updates = await collect(client, { query: JOB_UPDATES, variables: { n: job } });
const last = updates.at(-1)?.data?.jobUpdates;
check(last?.status === 'SUCCEEDED' && last.finished === true, 'jobUpdates over SSE completes with SUCCEEDED', updates);
const results = await collect(client, { query: '{ skills(limit: 1) { name } }' });
check(results.length === 1 && Array.isArray(results[0].data?.skills), 'a query over SSE answers once and completes', results);
client.dispose();
