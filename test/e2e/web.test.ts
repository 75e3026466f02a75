// The web app in headless Chromium against a real server (a child `palimpsest serve` on a temp data
// dir with the demo data): each flow as a user does it, with axe-core on every page and screenshots.
import { spawnSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import t, { type Test } from 'tap';
import type { Browser, BrowserContext, Page } from 'playwright-core';

import { ROOT, runCli, startServer, track } from '../reliability/child-server.ts';
import { axeSerious, chromiumMissing, LAPTOP, launch, PHONE } from './browser.ts';

const ADMIN = 'e2e-admin-token-0123456789abcdef';
const missing = chromiumMissing();

if (missing) {
  t.pass('the web app in Chromium', { skip: missing });
} else {
  await run();
}

async function run(): Promise<void> {
  const dist = path.join(ROOT, 'dist/web');
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    const b = spawnSync(process.execPath, [path.join(ROOT, 'scripts/build-web.mjs')], { cwd: ROOT, encoding: 'utf8' });
    if (b.status !== 0) throw new Error(`the web app did not build: ${b.stderr}`);
  }
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-e2e-'));
  const shots = fs.mkdtempSync(path.join(os.tmpdir(), 'palimpsest-e2e-shots-'));
  const env = { PALIMPSEST_DATA_DIR: dir, PALIMPSEST_ADMIN_TOKEN: ADMIN, PALIMPSEST_DEMO: 'true', PALIMPSEST_RATE_LIMIT: '100000', PALIMPSEST_SQLITE_SYNCHRONOUS: 'NORMAL' };
  // An editor key created before the server starts: its id is the actor the claim form's events carry.
  const created = await runCli(['keys', 'create', '--role', 'editor', '--name', 'E2E desk', '--id', 'e2e-desk'], env);
  const editorToken = created.stdout.trim();
  const server = track(t, await startServer(env));
  const base = server.url;
  const browser: Browser = await launch();
  t.teardown(async () => {
    await browser.close();
    fs.rmSync(dir, { recursive: true, force: true });
  });
  t.comment(`screenshots in ${shots}`);

  const api = async (method: string, url: string, body?: unknown): Promise<{ status: number; body: any }> => {
    const res = await fetch(base + url, {
      method,
      headers: { authorization: `Bearer ${ADMIN}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    const text = await res.text();
    return { status: res.status, body: text.startsWith('{') ? JSON.parse(text) : text };
  };

  /** A fresh page that fails the test on any console error (a CSP violation among them) or page error. */
  const open = async (t: Test, ctx: BrowserContext): Promise<Page> => {
    const page = await ctx.newPage();
    page.on('console', (m) => {
      if (m.type() === 'error' && !/status of 4\d\d/.test(m.text())) t.fail(`console error: ${m.text()}`);
    });
    page.on('pageerror', (e) => t.fail(`page error: ${e.message}`));
    return page;
  };
  const context = (viewport = LAPTOP): Promise<BrowserContext> => browser.newContext({ viewport });
  const checkAxe = async (t: Test, page: Page, name: string): Promise<void> => {
    const v = await axeSerious(page);
    t.same(v.map((x) => `${x.id}: ${x.help} (${x.nodes.map((n) => n.target.join(' ')).join(', ')})`), [], `axe: no serious or critical violation on the ${name}`);
  };
  /** The whole page, and its first screen (what a reader sees on arrival). */
  const shoot = async (page: Page, name: string): Promise<void> => {
    await page.screenshot({ path: path.join(shots, `${name}.png`), fullPage: true });
    await page.screenshot({ path: path.join(shots, `${name}-screen.png`) });
  };
  const signIn = async (page: Page, token: string): Promise<void> => {
    await page.getByRole('button', { name: 'Sign in to edit' }).click();
    await page.getByLabel('API key').fill(token);
    await page.getByRole('button', { name: 'Sign in', exact: true }).click();
    await page.getByText('Signed in · editor').waitFor();
  };

  t.test('the server serves the app at /ui/ and redirects / there, under its CSP', async (t) => {
    const root = await fetch(`${base}/`, { redirect: 'manual' });
    t.equal(root.status, 302);
    t.equal(root.headers.get('location'), '/ui/');
    t.equal((await fetch(`${base}/ui/`)).status, 200, 'the timeline');
    t.equal((await fetch(`${base}/ui/..%2f..%2fpackage.json`)).status, 404, 'nothing outside the build is served');
    const page = await fetch(`${base}/ui/incidents/karachi-airport-2024`);
    t.equal(page.status, 200, 'an app route answers the app (SPA fallback)');
    t.match(page.headers.get('content-security-policy') ?? '', /script-src 'self'/);
    const html = await page.text();
    t.notMatch(html, /<script(?![^>]*\bsrc=)[^>]*>/, 'no inline script');
    t.equal((await fetch(`${base}/ui/assets/nope.js`)).status, 404);
    let js = 0;
    let css = 0;
    for (const f of fs.readdirSync(path.join(dist, 'assets'))) {
      const gz = zlib.gzipSync(fs.readFileSync(path.join(dist, 'assets', f))).length;
      if (f.endsWith('.js')) js += gz;
      if (f.endsWith('.css')) css += gz;
    }
    t.comment(`bundle size (gzip): ${(js / 1024).toFixed(1)} KiB JS + ${(css / 1024).toFixed(1)} KiB CSS`);
    t.ok(js < 400 * 1024, 'the JS bundle stays under 400 KiB gzipped');
  });

  t.test('timeline: headline facts with status words, filters in the URL, cursor paging', async (t) => {
    for (const [vp, label] of [[LAPTOP, 'laptop'], [PHONE, 'phone']] as const) {
      const ctx = await context(vp);
      const page = await open(t, ctx);
      await page.goto(`${base}/ui/`);
      await page.getByRole('heading', { name: 'Incidents', level: 1 }).waitFor();
      await page.getByRole('link', { name: /Jinnah International Airport/ }).waitFor();
      t.ok(await page.getByText('corroborated').first().isVisible(), `${label}: status words as text`);
      await shoot(page, `timeline-${label}`);
      if (label === 'laptop') {
        await checkAxe(t, page, 'timeline');
        await page.getByLabel('Search').fill('University');
        await page.getByRole('button', { name: 'Apply filters' }).click();
        await page.waitForURL(/q=University/);
        await page.getByText('1 incident').waitFor();
        t.equal(await page.getByRole('link', { name: /Confucius Institute/ }).count(), 1, 'the text filter narrows the list');
        await page.goto(`${base}/ui/?category=suicide-bombing&limit=2`);
        await page.getByRole('link', { name: 'Next page' }).waitFor();
        const firstPage = await page.locator('.incident-card h2').allTextContents();
        t.equal(firstPage.length, 2);
        await page.getByRole('link', { name: 'Next page' }).click();
        await page.waitForURL(/cursor=/);
        // While the next page loads there is no card at all: wait for a card, and one that is not the first page's.
        await page.waitForFunction((first) => {
          const h = document.querySelector('.incident-card h2');
          return h !== null && h.textContent !== first;
        }, firstPage[0]);
        const second = await page.locator('.incident-card h2').allTextContents();
        t.ok(second.length >= 1 && !second.some((x) => firstPage.includes(x)), 'the next page holds other incidents');
        t.match(page.url(), /category=suicide-bombing/, 'the filters stay in the URL while paging');
      }
      await ctx.close();
    }
  });

  t.test('incident: facts, ranges with an en dash, a chart per count fact, provenance; first render timed', async (t) => {
    const ctx = await context();
    const page = await open(t, ctx);
    await page.goto(`${base}/ui/incidents/karachi-university-2022`);
    await page.getByRole('img', { name: 'injuries over statement time' }).waitFor();
    const firstRender = await page.evaluate(() => performance.now());
    t.comment(`time to first render of an incident page (navigation start to its first chart drawn): ${Math.round(firstRender)} ms`);
    const injuries = page.locator('section.fact', { has: page.getByRole('heading', { name: 'injuries', exact: true }) });
    t.ok(await injuries.getByText('disputed', { exact: true }).first().isVisible(), 'the disputed status word');
    t.equal(await injuries.locator('.fact-figure').textContent(), '4\u20136+', 'the range with an en dash, open above: the highest figure is an "at least 6"');
    t.match(await injuries.textContent(), /Conservative figure: 4/);
    t.ok(await page.getByRole('img', { name: 'deaths over statement time' }).isVisible());
    t.equal(await page.locator('.chart-canvas svg').count() > 0, true, 'Observable Plot drew under the CSP');
    t.ok(await page.getByRole('link', { name: 'Inspector General of Sindh Police' }).first().isVisible(), 'claims link their source');
    const history = page.locator('.history-entry');
    t.ok((await history.count()) > 5, 'the provenance history lists the events');
    t.match(await history.first().textContent(), /Incident registered/, 'oldest first');
    await shoot(page, 'incident-disputed-laptop');
    await checkAxe(t, page, 'incident page');

    await page.goto(`${base}/ui/incidents/karachi-airport-2024`);
    await page.getByRole('img', { name: 'deaths over statement time' }).waitFor();
    const revised = page.locator('.history-entry', { hasText: 'Revised by its source' }).first();
    t.match(await revised.textContent(), /at least 2.*3/s, 'a revision shows before → after');
    t.match(await page.locator('.history-entry', { hasText: 'Erratum' }).first().textContent(), /misattributed/, 'an erratum shows its reason');
    await shoot(page, 'incident-laptop');
    const deathsCard = page.locator('section.fact', { has: page.getByRole('heading', { name: 'deaths', exact: true }) });
    await deathsCard.screenshot({ path: path.join(shots, 'incident-deaths-fact-laptop.png') });
    await page.locator('.history').screenshot({ path: path.join(shots, 'incident-history-laptop.png') });
    const phone = await context(PHONE);
    const p2 = await open(t, phone);
    await p2.goto(`${base}/ui/incidents/karachi-airport-2024`);
    await p2.getByRole('img', { name: 'deaths over statement time' }).waitFor();
    await shoot(p2, 'incident-phone');
    await p2.locator('section.fact', { has: p2.getByRole('heading', { name: 'deaths', exact: true }) }).screenshot({ path: path.join(shots, 'incident-deaths-fact-phone.png') });
    await checkAxe(t, p2, 'incident page on a phone');
    await phone.close();
    await ctx.close();
  });

  t.test('as-of: knownAt and asOf in the URL, the page says which point it shows', async (t) => {
    const ctx = await context();
    const page = await open(t, ctx);
    await page.goto(`${base}/ui/incidents/karachi-airport-2024?knownAt=2024-10-07`);
    await page.getByText('Showing what the sources had said by the end of 7 Oct 2024 (UTC).').waitFor();
    const deaths = page.locator('section.fact', { has: page.getByRole('heading', { name: 'deaths', exact: true }) });
    t.equal(await deaths.locator('.fact-figure').textContent(), 'at least 2', 'on 7 October the toll was "at least 2"');
    await shoot(page, 'incident-known-at-laptop');
    await checkAxe(t, page, 'incident page as known at');
    // A link in the history opens the record as it stood after that event.
    await page.goto(`${base}/ui/incidents/karachi-airport-2024`);
    await page.locator('.history-entry').nth(3).getByRole('link', { name: 'as recorded then' }).click();
    await page.waitForURL(/asOf=/);
    await page.getByText(/^Showing the record as it stood at/).waitFor();
    // The history is a read of its own, which may land after the view.
    await page.locator('.history-entry').nth(3).waitFor();
    t.equal(await page.locator('.history-entry').count(), 4, 'the history as recorded then holds four events');
    // The form control puts its value in the URL.
    await page.getByLabel('As known at').fill('2024-10-08');
    await page.getByRole('button', { name: 'Show', exact: true }).click();
    await page.waitForURL(/knownAt=2024-10-08/);
    t.match(page.url(), /asOf=/, 'both points in time combine');
    await page.getByRole('button', { name: 'Show now' }).click();
    await page.getByText('Showing the current record.').waitFor();
    await ctx.close();
  });

  t.test('record a claim through the form: the stored event carries the signed-in key as its actor', async (t) => {
    const ctx = await context();
    const page = await open(t, ctx);
    await page.goto(`${base}/ui/incidents/karachi-airport-2024`);
    await signIn(page, editorToken);
    const form = page.getByRole('form', { name: 'Record claim' });
    await form.getByLabel('Predicate').selectOption('injuries');
    await form.getByLabel('Source').selectOption('ary-news');
    await form.getByLabel('Stated at').fill('yesterday');
    await form.getByLabel('Kind').selectOption('exact');
    await form.getByLabel('Value').fill('17');
    await form.getByRole('button', { name: 'Record claim' }).click();
    const statedAt = form.getByLabel('Stated at');
    await form.locator('.field.has-error').first().waitFor();
    t.equal(await statedAt.getAttribute('aria-invalid'), 'true', 'a 400 marks the field its JSON Pointer names');
    t.ok(await form.locator('.field.has-error', { has: page.getByText('Stated at', { exact: true }) }).locator('.field-error').isVisible(), 'and shows the message beside it');
    await shoot(page, 'claim-form-error-laptop');
    await form.screenshot({ path: path.join(shots, 'claim-form-error-element.png') });
    await checkAxe(t, page, 'incident page with the claim form');
    await statedAt.fill('2024-10-08');
    await form.getByRole('button', { name: 'Record claim' }).click();
    await form.getByText(/^Recorded claim c-/).waitFor();
    const events = await api('GET', '/incidents/karachi-airport-2024/events?limit=1000');
    const last = events.body.items.at(-1);
    t.equal(last.type, 'ClaimRecorded');
    t.same(last.data.value, { kind: 'exact', value: 17 });
    t.equal(last.data.sourceId, 'ary-news');
    t.equal(last.data.statedAt, '2024-10-08');
    t.equal(last.metadata.actor, 'e2e-desk', 'the actor is the signed-in key');
    t.match(last.metadata.idempotencyKey, /^ui-/, 'the write carried an Idempotency-Key');
    // Signed in as an editor (no auditor role), the audit page still verifies: the log is public.
    await page.getByRole('link', { name: 'Audit' }).click();
    await page.getByText(/verified — Ed25519 signature checked/).waitFor();
    await ctx.close();
  });

  t.test('a 412: a change made meanwhile is shown, and the retry lands on the new state', async (t) => {
    const ctx = await context();
    const page = await open(t, ctx);
    await page.goto(`${base}/ui/incidents/karachi-university-2022`);
    await signIn(page, editorToken);
    const form = page.getByRole('form', { name: 'Record claim' });
    await form.getByLabel('Source').selectOption('outlook-india');
    await form.getByLabel('Stated at').fill('2022-04-27');
    await form.getByLabel('Value').fill('4');
    const before = await api('GET', '/incidents/karachi-university-2022');
    const meanwhile = await api('POST', '/incidents/karachi-university-2022/claims', {
      predicate: 'injuries', value: { kind: 'atLeast', value: 5 }, sourceId: 'dawn', statedAt: '2022-04-27', citation: { url: 'https://example.org/meanwhile' },
    });
    t.equal(meanwhile.status, 201);
    await form.getByRole('button', { name: 'Record claim' }).click();
    const conflict = form.getByRole('alert').filter({ hasText: 'This incident changed while you were editing' });
    await conflict.waitFor();
    t.match(await conflict.textContent(), new RegExp(`You saw revision ${before.body.revision}`));
    await conflict.getByText(/ClaimRecorded/).first().waitFor();
    await shoot(page, 'conflict-laptop');
    await form.screenshot({ path: path.join(shots, 'conflict-element.png') });
    await checkAxe(t, page, 'incident page with a conflict');
    await conflict.getByRole('button', { name: /^Retry on revision/ }).click();
    await form.getByText(/^Recorded claim c-/).waitFor();
    const events = await api('GET', '/incidents/karachi-university-2022/events?limit=1000');
    const last = events.body.items.at(-1);
    t.equal(last.metadata.actor, 'e2e-desk');
    t.same(last.data.value, { kind: 'exact', value: 4 });
    await ctx.close();
  });

  t.test('live: a claim recorded elsewhere appears without a reload', async (t) => {
    const ctx = await context();
    const page = await open(t, ctx);
    await page.goto(`${base}/ui/incidents/gwadar-port-2024`);
    await page.getByText('Live', { exact: true }).waitFor();
    await page.evaluate(() => ((window as unknown as { marker: number }).marker = 42));
    const res = await api('POST', '/incidents/gwadar-port-2024/claims', {
      predicate: 'injuries', value: { kind: 'atLeast', value: 7 }, sourceId: 'financial-times', statedAt: '2024-10-15', citation: { url: 'https://example.org/live' },
    });
    t.equal(res.status, 201);
    await page.getByText(/^New: ClaimRecorded/).waitFor({ timeout: 10_000 });
    await page.getByRole('heading', { name: 'injuries', exact: true }).waitFor();
    t.equal(await page.evaluate(() => (window as unknown as { marker?: number }).marker), 42, 'the page was not reloaded');
    await ctx.close();
  });

  t.test('source page: its counts and its claims', async (t) => {
    for (const [vp, label] of [[LAPTOP, 'laptop'], [PHONE, 'phone']] as const) {
      const ctx = await context(vp);
      const page = await open(t, ctx);
      await page.goto(`${base}/ui/sources/sindh-home-minister`);
      await page.getByRole('heading', { name: 'Sindh Home Minister Zia Lanjar', level: 1 }).waitFor();
      await page.locator('table.claims tbody tr').first().waitFor();
      t.match(await page.locator('.counts').textContent(), /Revisions2/);
      t.ok((await page.locator('table.claims tbody tr').count()) >= 4, `${label}: the claims attributed to the source`);
      await shoot(page, `source-${label}`);
      await checkAxe(t, page, `source page (${label})`);
      await ctx.close();
    }
  });

  t.test('audit: the checkpoint verified in the browser, a consistency proof on the next visit, an event included', async (t) => {
    const ctx = await context();
    const page = await open(t, ctx);
    await page.goto(`${base}/ui/audit`);
    await page.getByText(/verified — Ed25519 signature checked/).waitFor();
    t.match(await page.locator('.kv').first().textContent(), /Originpalimpsest\.local\/log/);
    await page.getByText('This browser had no checkpoint yet.', { exact: false }).waitFor();
    await shoot(page, 'audit-first-laptop');
    await checkAxe(t, page, 'audit page');
    await api('POST', '/sources', { name: 'Audit test outlet', kind: 'news-outlet' });
    await page.reload();
    await page.getByText(/consistency proof verified: the log of \d+ events extends the one of \d+/).waitFor();
    await page.getByLabel('Event index').fill('20');
    await page.getByRole('button', { name: 'Verify inclusion' }).click();
    await page.getByText('included: event 20 hashes into the signed root').waitFor();
    await shoot(page, 'audit-laptop');
    // A remembered checkpoint that the log does not extend is reported, not accepted.
    await page.evaluate(() => {
      const saved = JSON.parse(localStorage.getItem('palimpsest.checkpoint') ?? '{}') as { note: string };
      localStorage.setItem('palimpsest.checkpoint', JSON.stringify({ note: saved.note.replace(/\n(\d+)\n/, (_m, n: string) => `\n${Number(n) + 1}\n`) }));
    });
    await page.reload();
    await page.getByText(/Consistency not proven/).waitFor();
    const phone = await context(PHONE);
    const p2 = await open(t, phone);
    await p2.goto(`${base}/ui/audit`);
    await p2.getByText(/verified — Ed25519/).waitFor();
    await shoot(p2, 'audit-phone');
    await phone.close();
    await ctx.close();
  });
}
