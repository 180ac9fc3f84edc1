// The legacy subscriptions-transport-ws protocol (`graphql-ws` subprotocol).
import pkg from 'subscriptions-transport-ws';
import WebSocket from 'ws';
import { ws, job, check, deadline, JOB_UPDATES } from './check.mjs';

const { SubscriptionClient } = pkg;
deadline(60);
const client = new SubscriptionClient(ws, { reconnect: false }, WebSocket);
const updates = [];
await new Promise((resolve, reject) =>
  client.request({ query: JOB_UPDATES, variables: { n: job } }).subscribe({
    next: (r) => updates.push(r),
    error: reject,
    complete: resolve,
  })
);
const last = updates.at(-1)?.data?.jobUpdates;
check(last?.status === 'SUCCEEDED' && last.finished === true, 'jobUpdates completes with SUCCEEDED', updates);
client.close();
