/**
 * A large incident's view as JSON text made from each claim's text, and the texts of claim states
 * that never change again (those kept in checkpoints, checkpoints.ts), made once and shared by
 * every as-of read that starts from them: such a read then costs a concatenation of texts for
 * the claims the checkpoint holds, and a rendering only for those changed or recorded after it.
 */
import type { ClaimState, IncidentState } from './fold.ts';
import { claimView, groupByFact, incidentFields, RENDER_STEP } from './render.ts';
import { resolveFact } from '../resolve.ts';

/**
 * Claim states frozen by a checkpoint and their JSON texts. A frozen state is never changed: a fold
 * that goes on from it changes a copy (checkpoints.ts), so its text, keyed by the object itself,
 * stays right. Texts are kept up to `maxBytes` (string lengths); past it they are made per read.
 */
export class ClaimTexts {
  readonly #frozen = new WeakSet<ClaimState>();
  readonly #texts = new WeakMap<ClaimState, string>();
  /**
   * The joined texts of BLOCK consecutive frozen claims of a fact, keyed by the first of them, in
   * UTF-8: a view made mostly of blocks is then a copy of bytes, with no text to encode.
   */
  readonly #blocks = new WeakMap<ClaimState, { members: readonly ClaimState[]; bytes: Buffer }>();
  /** The resolution's JSON text of a fact whose claims are all frozen, keyed by its first claim. */
  readonly #resolutions = new WeakMap<ClaimState, { members: readonly ClaimState[]; text: string }>();
  bytes = 0;

  constructor(readonly maxBytes: number) {}

  freeze(c: ClaimState): void {
    this.#frozen.add(c);
  }

  isFrozen(c: ClaimState): boolean {
    return this.#frozen.has(c);
  }

  /** The kept text of `c`, if any. */
  kept(c: ClaimState): string | undefined {
    return this.#texts.get(c);
  }

  /** The kept bytes of claims[from, from + BLOCK), if these very claims were joined before. */
  block(claims: readonly ClaimState[], from: number): Buffer | undefined {
    const head = claims[from];
    const b = head === undefined ? undefined : this.#blocks.get(head);
    return b !== undefined && sameRun(b.members, claims, from) ? b.bytes : undefined;
  }

  /** Keeps the bytes of a whole block whose claims are all frozen (their texts kept), as the budget allows. */
  keepBlock(members: readonly ClaimState[], bytes: Buffer): void {
    const head = members[0];
    if (head === undefined || !members.every((c) => this.#texts.has(c)) || this.bytes + bytes.length > this.maxBytes) return;
    const old = this.#blocks.get(head);
    this.bytes += bytes.length - (old?.bytes.length ?? 0);
    this.#blocks.set(head, { members, bytes });
  }

  /**
   * `JSON.stringify(resolveFact(...))` for a fact's claims (`head` their first), kept when every one of them is frozen:
   * the same frozen claims resolve the same, and at 20,000 claims a resolution costs milliseconds.
   */
  resolutionOf(head: ClaimState, claims: readonly ClaimState[]): string {
    const known = this.#resolutions.get(head);
    if (known !== undefined && known.members.length === claims.length && sameRun(known.members, claims, 0)) return known.text;
    const text = JSON.stringify(resolveFact(head.predicate, claims));
    if (claims.length >= BLOCK && claims.every((c) => this.#frozen.has(c))) this.#resolutions.set(head, { members: claims, text });
    return text;
  }

  /** `JSON.stringify(claimView(c))`, kept when `c` is frozen and the budget allows. */
  textOf(c: ClaimState): string {
    const known = this.#texts.get(c);
    if (known !== undefined) return known;
    const text = JSON.stringify(claimView(c));
    if (this.#frozen.has(c) && this.bytes + text.length <= this.maxBytes) {
      this.#texts.set(c, text);
      this.bytes += text.length;
    }
    return text;
  }
}

/** Whether `run` is the very claims of `claims` from `from` on (the same objects: frozen ones never change). */
function sameRun(run: readonly ClaimState[], claims: readonly ClaimState[], from: number): boolean {
  if (from + run.length > claims.length) return false;
  for (let k = 0; k < run.length; k++) if (run[k] !== claims[from + k]) return false;
  return true;
}

/** Text and bytes in order, joined into one buffer at the end: kept bytes are copied, never encoded again. */
class ByteParts {
  readonly #chunks: Buffer[] = [];
  #text: string[] = [];

  push(text: string): void {
    this.#text.push(text);
  }

  pushBytes(bytes: Buffer): void {
    this.#flush();
    this.#chunks.push(bytes);
  }

  done(): Buffer {
    this.#flush();
    return this.#chunks.length === 1 ? (this.#chunks[0] as Buffer) : Buffer.concat(this.#chunks);
  }

  #flush(): void {
    if (this.#text.length === 0) return;
    this.#chunks.push(Buffer.from(this.#text.join('')));
    this.#text = [];
  }
}

/** A kept text costs a small part of a rendering: this many of them count as one claim rendered. */
const KEPT_PER_RENDERED = 10;

/**
 * Claims per kept block: a view made of blocks costs a lookup per block, not per claim. Blocks are
 * aligned on a fact's list, which a later point extends at its end: the points after a checkpoint
 * share its blocks, and a claim changed since spoils only its own block.
 */
const BLOCK = 256;

/**
 * `JSON.stringify(viewOf(inc))`, byte for byte, in UTF-8, made from each claim's text; pauses
 * (yields) after every RENDER_STEP claims rendered, as factsSteps does.
 */
export function* viewTextSteps(inc: IncidentState, texts: ClaimTexts): Generator<void, Buffer> {
  const parts = new ByteParts();
  parts.push(`${open(JSON.stringify(incidentFields(inc)))}"facts":{`);
  let work = 0;
  let first = true;
  for (const [key, claims] of groupByFact(inc)) {
    const head = claims[0];
    if (head === undefined) continue;
    parts.push(`${first ? '' : ','}${JSON.stringify(key)}:${open(texts.resolutionOf(head, claims))}"claims":[`);
    first = false;
    for (let from = 0; from < claims.length; from += BLOCK) {
      if (from > 0) parts.push(',');
      const known = texts.block(claims, from);
      if (known !== undefined) {
        parts.pushBytes(known);
        work += 1;
        continue;
      }
      const members = claims.slice(from, from + BLOCK);
      const own: string[] = [];
      for (const c of members) {
        const kept = texts.kept(c);
        work += kept !== undefined ? 1 : KEPT_PER_RENDERED;
        own.push(kept ?? texts.textOf(c));
      }
      const text = own.join(',');
      if (members.length === BLOCK) {
        const bytes = Buffer.from(text);
        texts.keepBlock(members, bytes);
        parts.pushBytes(bytes);
      } else {
        parts.push(text);
      }
      if (work >= RENDER_STEP * KEPT_PER_RENDERED) {
        work = 0;
        yield;
      }
    }
    parts.push(']}');
  }
  parts.push(`},"revision":${JSON.stringify(inc.revision)},"updatedAt":${JSON.stringify(inc.updatedAt)}}`);
  return parts.done();
}

/** An object's JSON text opened for one more member: without its closing brace, with a comma if needed. */
export function open(text: string): string {
  return text === '{}' ? '{' : `${text.slice(0, -1)},`;
}
