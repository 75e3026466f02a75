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

/** `{"items":[…],<rest>}` from items serialised once each. */
export function pageJson(items: readonly object[], rest: Record<string, unknown>): string {
  const tail = JSON.stringify(rest);
  return `{"items":[${items.map(jsonOf).join(',')}]${tail === '{}' ? '' : `,${tail.slice(1, -1)}`}}`;
}
