/**
 * Generates a SQLite store with N events shaped like real use: a few hundred sources, then incidents,
 * each registered, sometimes amended, with claims from several sources on several predicates (counts
 * with qualifiers, causes, responsibility, perpetrators, times, places), the sources' own revisions
 * and retractions, our ranks and errata; some requests carry idempotency keys. One incident,
 * `bench-big-incident`, gets exactly 1,000 events, written halfway through the log, for as-of reads.
 *
 * Events go through the store's real append (one append of all of an incident's events, as a
 * migration would write them), with synchronous=NORMAL: a generated store need not survive power loss.
 * Deterministic apart from event ids and recordedAt.
 *
 *   npx tsx scripts/gen-log.ts [--events 1000000] [--dir ./data-bench]
 */
import { randomUUID } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { parseArgs } from 'node:util';
import { incidentStream, sourceStream } from '../src/domain/events.ts';
import type { NewEvent } from '../src/store/port.ts';
import { openSqliteStore } from '../src/store/sqlite/sqlite-store.ts';
import { progress } from '../src/cli/progress.ts';

export const BIG_INCIDENT = 'bench-big-incident';
export const BIG_INCIDENT_EVENTS = 1000;

const SOURCE_KINDS = ['news-outlet', 'government', 'security-forces', 'armed-group', 'international-org', 'ngo', 'court', 'database'] as const;
const COUNTRIES = ['PK', 'AF', 'IQ', 'SY', 'NG', 'ML', 'SO', 'YE', 'IN', 'BF'] as const;
const CATEGORIES = ['bombing', 'suicide-bombing', 'armed-assault', 'assassination', 'kidnapping', 'arson', 'other'] as const;
const GROUPS = ['victims', 'attackers', 'security-forces', 'civilians', 'foreign-nationals'] as const;
const STANCES = ['claimed', 'denied', 'attributed', 'suspected'] as const;
const RANK_REASONS = ['superseded', 'contradicted-by-evidence', 'unreliable-source', 'best-available', 'confirmed-by-evidence'] as const;
const ACTORS = ['admin', 'desk-karachi', 'desk-kabul', 'desk-lagos', 'researcher-1', 'researcher-2'] as const;

/** mulberry32: a small seeded PRNG, so two runs generate the same log. */
function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

type Draft = Omit<NewEvent, 'eventId' | 'schemaVersion' | 'metadata'> & { metadata?: NewEvent['metadata'] };

export class LogGenerator {
  private readonly r: () => number;
  readonly sourceIds: string[] = [];
  private request = 0;

  constructor(seed = 42, readonly sourceCount = 300) {
    this.r = rng(seed);
  }

  private int(lo: number, hi: number): number {
    return lo + Math.floor(this.r() * (hi - lo + 1));
  }

  private pick<T>(xs: readonly T[]): T {
    return xs[Math.floor(this.r() * xs.length)]!;
  }

  sources(): { stream: string; events: NewEvent[] }[] {
    const out: { stream: string; events: NewEvent[] }[] = [];
    for (let i = 0; i < this.sourceCount; i++) {
      const sourceId = `source-${i.toString().padStart(4, '0')}`;
      this.sourceIds.push(sourceId);
      const drafts: Draft[] = [{
        type: 'SourceRegistered',
        data: { sourceId, name: `Source ${i}`, kind: this.pick(SOURCE_KINDS), country: this.pick(COUNTRIES), url: `https://example.org/sources/${i}` },
      }];
      if (this.r() < 0.2) drafts.push({ type: 'SourceAmended', data: { changes: { description: `Outlet number ${i}, renamed` }, reason: 'the outlet changed its name' } });
      out.push({ stream: sourceStream(sourceId), events: this.finish(drafts) });
    }
    return out;
  }

  private finish(drafts: Draft[]): NewEvent[] {
    const actor = this.pick(ACTORS);
    return drafts.map((d) => {
      this.request++;
      const metadata = d.metadata ?? { actor, correlationId: `gen-${this.request}` };
      return { eventId: randomUUID(), type: d.type, schemaVersion: 1, data: d.data, metadata };
    });
  }

  private day(base: number, plusDays: number): string {
    return new Date(base + plusDays * 86_400_000).toISOString().slice(0, 10);
  }

  private value(predicate: string, k: number): unknown {
    switch (predicate) {
      case 'deaths': case 'injuries': case 'arrests': {
        const n = this.int(0, 60) + k;
        const roll = this.r();
        if (roll < 0.6) return { kind: 'exact', value: n };
        if (roll < 0.8) return { kind: 'atLeast', value: n };
        return { kind: 'range', min: n, max: n + this.int(1, 20) };
      }
      case 'cause': return this.pick([{ kind: 'unknown' }, 'improvised explosive device', 'vehicle-borne IED', 'gunfire', 'gas cylinder explosion']);
      case 'target': return this.pick(['police convoy', 'market', 'foreign engineers', 'school', 'checkpoint']);
      case 'responsibility': return { actor: this.pick(['BLA', 'TTP', 'ISKP', 'JNIM', 'al-Shabaab']), stance: this.pick(STANCES) };
      case 'perpetrator': return { name: `Person ${this.int(1, 500)}`, role: 'attacker' };
      case 'occurredAt': return { start: `2023-0${this.int(1, 9)}-1${this.int(0, 9)}T1${this.int(0, 9)}:${this.int(10, 59)}:00Z`, precision: 'minute', approximate: this.r() < 0.3 };
      default: return { name: `Town ${this.int(1, 900)}`, country: this.pick(COUNTRIES) };
    }
  }

  /** One incident with about `target` events (exactly `target` when `exact`). */
  incident(incidentId: string, target: number, exact = false): { stream: string; events: NewEvent[] } {
    const base = Date.UTC(2021, 0, 1) + this.int(0, 1300) * 86_400_000;
    const country = this.pick(COUNTRIES);
    const drafts: Draft[] = [{
      type: 'IncidentRegistered',
      data: {
        incidentId, title: `Attack ${incidentId}`, summary: `Generated incident ${incidentId} in ${country}.`,
        occurredAt: { start: this.day(base, 0), precision: 'day' },
        location: { name: `City ${this.int(1, 400)}`, region: `Region ${this.int(1, 40)}`, country, lat: 30 + this.r(), lon: 67 + this.r() },
        category: this.pick(CATEGORIES), tags: ['generated', country.toLowerCase()],
      },
    }];
    const claims: { id: string; predicate: string; statedDay: number; open: boolean }[] = [];
    const predicates = ['deaths', 'deaths', 'injuries', 'injuries', 'arrests', 'cause', 'target', 'responsibility', 'perpetrator', 'occurredAt', 'location'];
    let c = 0;
    while (drafts.length < target) {
      const roll = this.r();
      const open = claims.filter((x) => x.open);
      if (claims.length < 3 || roll < 0.45) {
        const predicate = this.pick(predicates);
        const id = `c-${(c++).toString(36).padStart(6, '0')}-${incidentId.length}`.slice(0, 64);
        const statedDay = this.int(0, 30);
        const qualifiers = (predicate === 'deaths' || predicate === 'injuries') && this.r() < 0.4 ? { group: this.pick(GROUPS) } : undefined;
        const withKey = this.r() < 0.2;
        const actor = this.pick(ACTORS);
        drafts.push({
          type: 'ClaimRecorded',
          data: {
            claimId: id, predicate, ...(qualifiers ? { qualifiers } : {}), value: this.value(predicate, 0),
            sourceId: this.pick(this.sourceIds), statedAt: this.day(base, statedDay),
            citation: { url: `https://example.org/news/${incidentId}/${id}`, publisher: 'Example News', publishedAt: this.day(base, statedDay) },
            mode: 'statement',
          },
          metadata: {
            actor, correlationId: `gen-claim-${incidentId}-${id}`,
            ...(withKey ? { idempotencyKey: `gen-${incidentId}-${id}`, requestHash: randomUUID().replaceAll('-', '') } : {}),
          },
        });
        claims.push({ id, predicate, statedDay, open: true });
      } else if (roll < 0.65 && open.length > 0) {
        const cl = this.pick(open);
        // A revision keeps the identity of multi-valued values, as the domain requires.
        if (cl.predicate === 'responsibility' || cl.predicate === 'perpetrator') continue;
        cl.statedDay += this.int(0, 5);
        drafts.push({ type: 'ClaimRevised', data: { claimId: cl.id, value: this.value(cl.predicate, 3), statedAt: this.day(base, cl.statedDay), note: 'updated figures' } });
      } else if (roll < 0.85) {
        const cl = this.pick(claims);
        const rank = this.pick(['preferred', 'normal', 'deprecated'] as const);
        drafts.push({ type: 'ClaimRanked', data: { claimId: cl.id, rank, reason: this.pick(RANK_REASONS) } });
      } else if (roll < 0.92 && open.length > 0) {
        const cl = this.pick(open);
        if (cl.predicate !== 'deaths' && cl.predicate !== 'injuries' && cl.predicate !== 'arrests') continue;
        drafts.push({ type: 'ClaimCorrected', data: { claimId: cl.id, changes: { value: this.value(cl.predicate, 1) }, reason: 'transcription', note: 'figure mistyped' } });
      } else if (roll < 0.96 && open.length > 1) {
        const cl = this.pick(open);
        cl.open = false;
        cl.statedDay += 1;
        drafts.push({ type: 'ClaimRetracted', data: { claimId: cl.id, statedAt: this.day(base, cl.statedDay), reason: 'the source withdrew the figure' } });
      } else {
        drafts.push({ type: 'IncidentAmended', data: { changes: { summary: `Amended summary ${drafts.length}.` }, reason: 'new details' } });
      }
      if (!exact && this.r() < 1 / target) break;
    }
    return { stream: incidentStream(incidentId), events: this.finish(drafts.slice(0, target)) };
  }
}

export async function generateLog(dir: string, events: number, opts: { eventsPerIncident?: number; quiet?: boolean } = {}): Promise<number> {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'events.sqlite3');
  if (fs.existsSync(file)) throw new Error(`${file} exists; generate into an empty directory`);
  const store = await openSqliteStore({ file, synchronous: 'NORMAL' });
  const gen = new LogGenerator(42, Math.min(300, Math.max(5, Math.floor(events / 1000))));
  const bar = opts.quiet ? { update() {}, done() {} } : progress('generating', events);
  let written = 0;
  try {
    for (const s of gen.sources()) {
      await store.append(s.stream, s.events, { expected: 'no_stream' });
      written += s.events.length;
    }
    const per = opts.eventsPerIncident ?? 100;
    let big = events >= 2 * BIG_INCIDENT_EVENTS ? false : true;
    for (let i = 0; written < events; i++) {
      let batch: { stream: string; events: NewEvent[] };
      if (!big && written >= events / 2) {
        batch = gen.incident(BIG_INCIDENT, BIG_INCIDENT_EVENTS, true);
        big = true;
      } else {
        const size = Math.min(events - written, Math.max(2, Math.round(per * (0.3 + 1.4 * ((i * 7919) % 1000) / 1000))));
        batch = gen.incident(`gen-incident-${i.toString().padStart(6, '0')}`, size, true);
      }
      await store.append(batch.stream, batch.events, { expected: 'no_stream' });
      written += batch.events.length;
      bar.update(written);
    }
  } finally {
    bar.done();
    await store.close();
  }
  return written;
}

if (import.meta.url === `file://${process.argv[1]}` || process.argv[1]?.endsWith('gen-log.ts')) {
  const { values } = parseArgs({ options: { events: { type: 'string', default: '1000000' }, dir: { type: 'string', default: './data-bench' } } });
  const n = Number(values.events);
  if (!Number.isSafeInteger(n) || n < 1) throw new Error('--events needs a positive whole number');
  const started = performance.now();
  const written = await generateLog(path.resolve(values.dir!), n);
  console.log(`wrote ${written} events to ${path.resolve(values.dir!, 'events.sqlite3')} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
}
