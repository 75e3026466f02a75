/** Concurrent writers against a listening server, and readers of what it stored. */

export interface ClaimRequest {
  incident: string;
  key: string;
  body: Record<string, unknown>;
  /** The status the server answered, undefined when the request failed (connection refused, reset). */
  status?: number;
  /** The answer's body when the status was 201. */
  answer?: Record<string, unknown>;
  replayed?: boolean;
}

export function claimBody(claimId: string, value: number): Record<string, unknown> {
  return { claimId, predicate: 'deaths', value: { kind: 'exact', value }, sourceId: 'src', statedAt: '2024-10-07', citation: { url: 'https://example.org/a' } };
}

export async function post(base: string, token: string, url: string, body: unknown, headers: Record<string, string> = {}): Promise<Response> {
  return fetch(`${base}${url}`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json', ...headers },
    body: JSON.stringify(body),
  });
}

export async function sendClaim(base: string, token: string, r: ClaimRequest): Promise<void> {
  const res = await post(base, token, `/incidents/${r.incident}/claims`, r.body, { 'idempotency-key': r.key });
  r.status = res.status;
  const text = await res.text();
  if (res.status === 201) {
    r.answer = JSON.parse(text) as Record<string, unknown>;
    r.replayed = res.headers.get('idempotency-replayed') === 'true';
  }
}

export interface Writers {
  requests: ClaimRequest[];
  acked(): number;
  stop(): void;
  /** Resolves when every loop has ended (stopped, hit its bound, or lost the server). */
  done: Promise<void>;
}

/**
 * `loops` async writers, each POSTing claims with unique ids and Idempotency-Keys to the incidents
 * in turn, until stopped, until `perLoop` requests, or until a request fails (the server went away).
 */
export function startWriters(base: string, token: string, incidents: string[], opts: { loops: number; perLoop: number; prefix: string }): Writers {
  const requests: ClaimRequest[] = [];
  let stopped = false;
  const loop = async (i: number): Promise<void> => {
    for (let j = 0; j < opts.perLoop && !stopped; j++) {
      const r: ClaimRequest = { incident: incidents[(i + j) % incidents.length]!, key: `${opts.prefix}-${i}-${j}`, body: claimBody(`${opts.prefix}-${i}-${j}`, j) };
      requests.push(r);
      try {
        await sendClaim(base, token, r);
      } catch {
        return; // the server is gone: this request's fate is unknown to the client
      }
    }
  };
  const done = Promise.all(Array.from({ length: opts.loops }, (_, i) => loop(i))).then(() => undefined);
  return {
    requests,
    acked: () => requests.filter((r) => r.status === 201).length,
    stop: () => {
      stopped = true;
    },
    done,
  };
}

export interface StoredItem {
  index: number;
  stream: string;
  revision: number;
  type: string;
  data: Record<string, unknown>;
  metadata: Record<string, unknown>;
}

/** The whole log through GET /events, page by page (bounded). */
export async function readLog(base: string, token: string): Promise<StoredItem[]> {
  const out: StoredItem[] = [];
  let from: number | null = 0;
  for (let page = 0; from !== null && page < 10_000; page++) {
    const res = await fetch(`${base}/events?from=${from}&limit=1000`, { headers: { authorization: `Bearer ${token}` } });
    if (res.status !== 200) throw new Error(`GET /events: ${res.status} ${await res.text()}`);
    const body = (await res.json()) as { items: StoredItem[]; nextFrom: number | null };
    out.push(...body.items);
    from = body.nextFrom;
  }
  return out;
}

/** Per stream, the revisions in log order; dense means exactly 0..n-1. */
export function revisionsByStream(log: StoredItem[]): Map<string, number[]> {
  const m = new Map<string, number[]>();
  for (const e of log) {
    const list = m.get(e.stream) ?? [];
    list.push(e.revision);
    m.set(e.stream, list);
  }
  return m;
}

export function claimCounts(log: StoredItem[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of log) {
    if (e.type !== 'ClaimRecorded') continue;
    const id = String(e.data.claimId);
    m.set(id, (m.get(id) ?? 0) + 1);
  }
  return m;
}

/** Runs fn over items with at most `width` in flight. */
export async function inParallel<T>(items: T[], width: number, fn: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: width }, async () => {
      while (next < items.length) await fn(items[next++]!);
    }),
  );
}
