import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { Test } from 'tap';
import type { InjectOptions, LightMyRequestResponse } from 'fastify';
import { openRuntime, type Runtime } from '../../src/cli/runtime.ts';
import { loadConfig, type Config } from '../../src/config.ts';
import type { StoredEvent } from '../../src/store/port.ts';
import { contractChecker, type ContractChecker } from './openapi-contract.ts';

export const ADMIN_TOKEN = 'test-admin-token-0123456789abcdef';

export interface Harness {
  rt: Runtime;
  dir: string;
  /** A request with the admin token unless `as` says otherwise (null: anonymous). */
  req(opts: InjectOptions & { as?: string | null }): Promise<LightMyRequestResponse>;
  post(url: string, body: unknown, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  get(url: string, headers?: Record<string, string>): Promise<LightMyRequestResponse>;
  restart(overrides?: Partial<Config>): Promise<Runtime>;
  close(): Promise<void>;
}

export function tempDir(prefix = 'palimpsest-test-'): string {
  return fs.mkdtempSync(path.join(os.tmpdir(), prefix));
}

export function testConfig(dir: string, overrides: Partial<Config> = {}): Config {
  return loadConfig(
    { PALIMPSEST_DEMO: 'false', PALIMPSEST_ADMIN_TOKEN: ADMIN_TOKEN, PALIMPSEST_RATE_LIMIT: '100000', PALIMPSEST_SQLITE_SYNCHRONOUS: 'NORMAL', PALIMPSEST_MAX_EVENT_LOOP_DELAY_MS: '10000' },
    { dataDir: dir, ...overrides },
  );
}

/** A runtime on a real SQLite store in a fresh temp dir, listening on 127.0.0.1, closed with the test. */
export async function listening(t: Test, overrides: Partial<Config> = {}): Promise<{ rt: Runtime; base: string }> {
  const rt = await openRuntime(testConfig(tempDir(), overrides));
  t.teardown(() => rt.close());
  await rt.app.listen({ port: 0, host: '127.0.0.1' });
  const addr = rt.app.server.address();
  if (addr === null || typeof addr === 'string') throw new Error('no port');
  return { rt, base: `http://127.0.0.1:${addr.port}` };
}

/** A runtime on a real SQLite store in a fresh temp dir, torn down with the test. */
export async function harness(t: Test, overrides: Partial<Config> = {}): Promise<Harness> {
  const dir = tempDir();
  let rt = await openRuntime(testConfig(dir, overrides));
  let closed = false;
  let contract: ContractChecker | undefined;
  let contractOf: Runtime | undefined;
  const h: Harness = {
    get rt() {
      return rt;
    },
    dir,
    async req({ as, ...opts }) {
      const headers: Record<string, string> = { ...(opts.headers as Record<string, string> | undefined) };
      const token = as === undefined ? ADMIN_TOKEN : as;
      if (token !== null && headers.authorization === undefined) headers.authorization = `Bearer ${token}`;
      const res = await rt.app.inject({ ...opts, headers });
      // Every answer a test receives must fit the OpenAPI document the server serves.
      if (contract === undefined || contractOf !== rt) {
        contract = contractChecker(rt.app.swagger());
        contractOf = rt;
      }
      const drift = contract.check(opts.method ?? 'GET', typeof opts.url === 'string' ? opts.url : (opts.url?.pathname ?? '/'), res);
      if (drift !== undefined) throw new Error(`answer does not match the OpenAPI document: ${drift}\n${res.body.slice(0, 2000)}`);
      return res;
    },
    post(url, body, headers = {}) {
      return h.req({ method: 'POST', url, payload: body as Record<string, unknown>, headers: { 'content-type': 'application/json', ...headers } });
    },
    get(url, headers = {}) {
      return h.req({ method: 'GET', url, headers });
    },
    async restart(o = {}) {
      await rt.close();
      rt = await openRuntime(testConfig(dir, { ...overrides, ...o }));
      return rt;
    },
    async close() {
      if (closed) return;
      closed = true;
      await rt.close();
      fs.rmSync(dir, { recursive: true, force: true });
    },
  } as Harness;
  t.teardown(() => h.close());
  return h;
}

export const json = (res: LightMyRequestResponse): any => JSON.parse(res.body);

/** Event `revision` of one incident's stream as a store hands it out, for folding without a store. */
export function storedIncidentEvent(revision: number, type: string, data: unknown, correlationId: string): StoredEvent {
  return {
    stream: 'incident-big', revision: BigInt(revision), index: BigInt(revision), position: BigInt(revision),
    recordedAt: new Date(Date.UTC(2026, 0, 1) + revision).toISOString(), eventId: randomUUID(), type, schemaVersion: 1,
    data, metadata: { actor: 'admin', correlationId },
  };
}

/** Minimal valid bodies, overridable field by field. */
export const fixtures = {
  source(id: string, extra: Record<string, unknown> = {}) {
    return { sourceId: id, name: `Source ${id}`, kind: 'news-outlet', ...extra };
  },
  incident(id: string, extra: Record<string, unknown> = {}) {
    return {
      incidentId: id,
      title: `Incident ${id}`,
      occurredAt: { start: '2024-10-06', precision: 'day' },
      location: { name: 'Karachi', region: 'Sindh', country: 'PK' },
      category: 'bombing',
      tags: ['test'],
      ...extra,
    };
  },
  deaths(claimId: string, sourceId: string, value: unknown, extra: Record<string, unknown> = {}) {
    return { claimId, predicate: 'deaths', value, sourceId, statedAt: '2024-10-07', citation: { url: 'https://example.org/a' }, ...extra };
  },
};
