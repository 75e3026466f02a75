/**
 * JSON text of read-model objects that are replaced, never changed, when their incident changes
 * (the view cache and the timeline items): a reference-keyed cache serialises each one once and
 * forgets it with the object.
 */
import type { FastifyReply } from 'fastify';
import { inSteps } from '../app/steps.ts';
import { RENDER_STEP, type IncidentView } from '../../projections/incident-view/render.ts';
import { open } from '../../projections/incident-view/claim-texts.ts';

const texts = new WeakMap<object, string>();

const JSON_TYPE = 'application/json; charset=utf-8';

/**
 * Sends JSON text as it is (no second serialisation). A kept answer is kept as bytes: its length is
 * known without a scan of the text and Node writes it as it is, with no copy into the header's string.
 */
export function sendJsonText(reply: FastifyReply, text: string | Buffer): FastifyReply {
  return reply.header('content-type', JSON_TYPE).send(text);
}

export function jsonOf(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

const pages = new WeakMap<readonly object[], Buffer>();

/**
 * `{"items":[…]}` of a list kept as it is until replaced (an incident's history answer, kept until
 * its next event), as UTF-8: serialised and encoded once per list, so a repeated read of a long
 * history (megabytes) costs neither.
 */
export function itemsJson(items: readonly object[]): Buffer {
  let bytes = pages.get(items);
  if (bytes === undefined) {
    bytes = Buffer.from(JSON.stringify({ items }));
    pages.set(items, bytes);
  }
  return bytes;
}

const viewBodies = new WeakMap<IncidentView, Buffer>();

/**
 * The JSON of an incident's view as UTF-8, byte for byte JSON.stringify's, made a slice of claims at
 * a time with the event loop free between slices (a 20,000-claim view is megabytes); kept with the
 * view, so each revision is serialised once.
 */
export async function viewBytes(view: IncidentView): Promise<Buffer> {
  let bytes = viewBodies.get(view);
  if (bytes === undefined) {
    bytes = Buffer.from(await inSteps(viewJsonSteps(view)));
    viewBodies.set(view, bytes);
  }
  return bytes;
}

/** The kept bytes of a view, if viewBytes made them already. */
export function keptViewBytes(view: IncidentView): Buffer | undefined {
  return viewBodies.get(view);
}

function* viewJsonSteps(view: IncidentView): Generator<void, string> {
  const { facts, revision, updatedAt, ...fields } = view;
  const parts: string[] = [open(JSON.stringify(fields)), '"facts":{'];
  let first = true;
  for (const [key, fact] of Object.entries(facts)) {
    const { claims, ...resolution } = fact;
    parts.push(`${first ? '' : ','}${JSON.stringify(key)}:${open(JSON.stringify(resolution))}"claims":[`);
    first = false;
    for (let i = 0; i < claims.length; i += RENDER_STEP) {
      const slice = JSON.stringify(claims.slice(i, i + RENDER_STEP));
      parts.push(`${i === 0 ? '' : ','}${slice.slice(1, -1)}`);
      yield;
    }
    parts.push(']}');
  }
  parts.push(`},"revision":${JSON.stringify(revision)},"updatedAt":${JSON.stringify(updatedAt)}}`);
  return parts.join('');
}

/** `{"items":[…],<rest>}` from items serialised once each. */
export function pageJson(items: readonly object[], rest: Record<string, unknown>): string {
  const tail = JSON.stringify(rest);
  return `{"items":[${items.map(jsonOf).join(',')}]${tail === '{}' ? '' : `,${tail.slice(1, -1)}`}}`;
}

/**
 * Answers to plain reads that are computed from the whole read model (a timeline page): kept per
 * request URL while the read models stand at one index, so that a repeated read is one lookup, not
 * a query and a serialisation. Everything goes when the index moves; the texts are bounded by bytes.
 */
export class ReadModelTexts {
  private at = -1n;
  private bytes = 0;
  private readonly texts = new Map<string, Buffer>();

  constructor(private readonly maxBytes: number) {}

  get(applied: bigint, key: string): Buffer | undefined {
    if (applied !== this.at) return undefined;
    return this.texts.get(key);
  }

  set(applied: bigint, key: string, text: Buffer): void {
    if (applied !== this.at) {
      this.texts.clear();
      this.bytes = 0;
      this.at = applied;
    }
    if (text.length > this.maxBytes) return;
    const old = this.texts.get(key);
    if (old !== undefined) {
      this.bytes -= old.length;
      this.texts.delete(key);
    }
    // Oldest first out: a Map iterates in insertion order.
    for (const [k, v] of this.texts) {
      if (this.bytes + text.length <= this.maxBytes) break;
      this.texts.delete(k);
      this.bytes -= v.length;
    }
    this.texts.set(key, text);
    this.bytes += text.length;
  }
}
