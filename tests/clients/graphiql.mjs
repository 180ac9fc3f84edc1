// GraphiQL in headless Debian Chromium: the page loads with every request to another origin
// blocked, a typed query runs, and the docs panel lists the schema's types.
import { chromium } from 'playwright-core';
import { check, deadline } from './check.mjs';

deadline(90);
const origin = new URL(process.env.SKILLGRAPH_URL).origin;
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
    '--disable-background-networking', '--disable-component-update', '--disable-sync'],
});
const context = await browser.newContext({ viewport: { width: 1400, height: 900 } });
const outside = [];
await context.route('**/*', (route) => {
  const url = route.request().url();
  if (url.startsWith(origin) || url.startsWith('data:')) return route.continue();
  outside.push(url);
  return route.abort();
});
const page = await context.newPage();
const problems = [];
page.on('pageerror', (e) => problems.push(String(e)));
page.on('console', (m) => m.type() === 'error' && problems.push(m.text()));

await page.goto(`${origin}/graphql`);
await page.waitForSelector('.graphiql-query-editor .CodeMirror', { timeout: 30000 });
check(outside.length === 0, 'the page asked nothing of another origin', outside);

// Type a query into the editor and run it.
await page.click('.graphiql-query-editor .CodeMirror');
await page.keyboard.press('Control+A');
await page.keyboard.press('Delete');
await page.keyboard.type('{ skills(limit: 5) { name } }');
await page.click('.graphiql-execute-button');
await page.waitForFunction(
  () => document.querySelector('.graphiql-response')?.textContent?.includes('Alpha'),
  null,
  { timeout: 30000 }
);
const response = await page.textContent('.graphiql-response');
check(response.includes('"skills"') && response.includes('Beta'), 'the typed query ran and shows its data', response);

// The documentation explorer lists the types (introspection at the default limits).
await page.click('[aria-label="Show Documentation Explorer"]');
await page.waitForSelector('.graphiql-doc-explorer', { timeout: 30000 });
await page.click('.graphiql-doc-explorer a:has-text("Query")');
await page.waitForFunction(
  () => document.querySelector('.graphiql-doc-explorer')?.textContent?.includes('skillConnection'),
  null,
  { timeout: 30000 }
);
const docs = await page.textContent('.graphiql-doc-explorer');
check(docs.includes('skillConnection') && docs.includes('node'), 'the docs panel lists the Query fields', docs.slice(0, 400));
await page.screenshot({ path: process.env.SKILLGRAPH_SCREENSHOT || 'graphiql.png', fullPage: true });
check(problems.length === 0, 'no script errors on the page', problems);
check(outside.length === 0, 'still nothing asked of another origin', outside);
await browser.close();
