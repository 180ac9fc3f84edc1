// Shared by the client scripts: where the service is (set by tests/clients.rs), and a check that
// fails the script with a message.
export const http = process.env.SKILLGRAPH_URL; // e.g. http://127.0.0.1:40000/graphql
export const ws = http.replace(/^http/, 'ws');
export const job = process.env.SKILLGRAPH_JOB; // a job that runs to success
export const importUri = process.env.SKILLGRAPH_IMPORT_URI; // a framework the registry serves

export function check(ok, message, detail) {
  if (!ok) {
    console.error(`FAILED: ${message}`, detail === undefined ? '' : JSON.stringify(detail, null, 2));
    process.exit(1);
  }
  console.log(`ok: ${message}`);
}

/** Fails the script if it has not finished in `seconds`. */
export function deadline(seconds) {
  setTimeout(() => {
    console.error(`FAILED: not done within ${seconds}s`);
    process.exit(1);
  }, seconds * 1000).unref();
}

export const JOB_UPDATES = `subscription($n: String!) { jobUpdates(jobName: $n) { id status finished } }`;

/** Every result of one operation on a graphql-ws or graphql-sse client, once it completes; if
 * the client reports an error instead, fails the script saying what it was (an HTTP answer with
 * its status and body) and what had arrived before it. */
export function collect(client, payload) {
  const results = [];
  return new Promise((resolve) =>
    client.subscribe(payload, {
      next: (r) => results.push(r),
      error: async (e) => check(false, `${payload.query} ended with ${await describe(e)}`, results),
      complete: () => resolve(results),
    })
  );
}

async function describe(error) {
  const response = error?.response;
  if (response) return `HTTP ${response.status}: ${await response.text().catch((e) => e.message)}`;
  if (error instanceof Error) return error.stack;
  return JSON.stringify(error);
}
