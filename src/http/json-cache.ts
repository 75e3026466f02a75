/**
 * JSON text of read-model objects that are replaced, never changed, when their incident changes
 * (the view cache and the timeline items): a reference-keyed cache serialises each one once and
 * forgets it with the object.
 */
import type { FastifyReply } from 'fastify';

const texts = new WeakMap<object, string>();

/** Sends JSON text as it is (no second serialisation). */
export function sendJsonText(reply: FastifyReply, text: string): FastifyReply {
  return reply.type('application/json; charset=utf-8').send(text);
}

export function jsonOf(value: object): string {
  let text = texts.get(value);
  if (text === undefined) {
    text = JSON.stringify(value);
    texts.set(value, text);
  }
  return text;
}

const pages = new WeakMap<readonly object[], string>();

/**
 * `{"items":[…]}` of a list kept as it is until replaced (an incident's history answer, kept until
 * its next event): serialised once per list, so a repeated read of a long history costs no
 * serialisation.
 */
export function itemsJson(items: readonly object[]): string {
  let text = pages.get(items);
  if (text === undefined) {
    text = JSON.stringify({ items });
    pages.set(items, text);
  }
  return text;
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
  private readonly texts = new Map<string, string>();

  constructor(private readonly maxBytes: number) {}

  get(applied: bigint, key: string): string | undefined {
    if (applied !== this.at) return undefined;
    return this.texts.get(key);
  }

  set(applied: bigint, key: string, text: string): void {
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
