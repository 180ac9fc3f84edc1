// graphql-ws (graphql-transport-ws): a subscription to completion, then the error path.
import { createClient } from 'graphql-ws';
import WebSocket from 'ws';
import { ws, job, check, collect, deadline, JOB_UPDATES } from './check.mjs';

deadline(60);
const client = createClient({ url: ws, webSocketImpl: WebSocket, retryAttempts: 0, lazy: true });

const updates = await collect(client, { query: JOB_UPDATES, variables: { n: job } });
const last = updates.at(-1)?.data?.jobUpdates;
check(updates.length >= 1 && last.finished === true, 'jobUpdates completes after the job ends', updates);
check(last.status === 'SUCCEEDED', 'the last update says SUCCEEDED', last);

const errors = await new Promise((resolve) =>
  client.subscribe(
    { query: 'subscription { jobUpdates(jobName: "x") { noSuchField } }' },
    { next: () => resolve('next instead of error'), error: resolve, complete: () => resolve('complete instead of error') }
  )
);
check(Array.isArray(errors), 'a subscription that fails validation reaches the error callback', errors);
check(errors[0]?.extensions?.code === 'GRAPHQL_VALIDATION_FAILED', 'the error carries its code', errors);
await client.dispose();
