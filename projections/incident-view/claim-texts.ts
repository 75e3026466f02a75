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
  /** The joined texts of BLOCK consecutive frozen claims of a fact, keyed by the first of them. */
  readonly #blocks = new WeakMap<ClaimState, { members: readonly ClaimState[]; text: string }>();
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

  /** The kept text of claims[from, from + BLOCK), if these very claims were joined before. */
  block(claims: readonly ClaimState[], from: number): string | undefined {
    const head = claims[from];
    const b = head === undefined ? undefined : this.#blocks.get(head);
    if (b === undefined || from + b.members.length > claims.length) return undefined;
    for (let k = 1; k < b.members.length; k++) if (b.members[k] !== claims[from + k]) return undefined;
    return b.text;
  }

  /** Keeps the text of a whole block whose claims are all frozen (their texts kept), as the budget allows. */
  keepBlock(members: readonly ClaimState[], text: string): void {
    const head = members[0];
    if (head === undefined || !members.every((c) => this.#texts.has(c)) || this.bytes + text.length > this.maxBytes) return;
    const old = this.#blocks.get(head);
    this.bytes += text.length - (old?.text.length ?? 0);
    this.#blocks.set(head, { members, text });
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

/** A kept text costs a small part of a rendering: this many of them count as one claim rendered. */
const KEPT_PER_RENDERED = 10;

/**
 * Claims per kept block: a view made of blocks costs a lookup per block, not per claim. Blocks are
 * aligned on a fact's list, which a later point extends at its end: the points after a checkpoint
 * share its blocks, and a claim changed since spoils only its own block.
 */
const BLOCK = 256;

/**
 * `JSON.stringify(viewOf(inc))`, byte for byte, made from each claim's text; pauses (yields) after
 * every RENDER_STEP claims rendered, as factsSteps does.
 */
export function* viewTextSteps(inc: IncidentState, texts: ClaimTexts): Generator<void, string> {
  const parts: string[] = [open(JSON.stringify(incidentFields(inc))), '"facts":{'];
  let work = 0;
  let first = true;
  for (const [key, claims] of groupByFact(inc)) {
    const head = claims[0];
    if (head === undefined) continue;
    const resolution = resolveFact(head.predicate, claims);
    parts.push(`${first ? '' : ','}${JSON.stringify(key)}:${open(JSON.stringify(resolution))}"claims":[`);
    first = false;
    for (let from = 0; from < claims.length; from += BLOCK) {
      if (from > 0) parts.push(',');
      const known = texts.block(claims, from);
      if (known !== undefined) {
        parts.push(known);
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
      if (members.length === BLOCK) texts.keepBlock(members, text);
      parts.push(text);
      if (work >= RENDER_STEP * KEPT_PER_RENDERED) {
        work = 0;
        yield;
      }
    }
    parts.push(']}');
  }
  parts.push(`},"revision":${JSON.stringify(inc.revision)},"updatedAt":${JSON.stringify(inc.updatedAt)}}`);
  return parts.join('');
}

/** An object's JSON text opened for one more member: without its closing brace, with a comma if needed. */
export function open(text: string): string {
  return text === '{}' ? '{' : `${text.slice(0, -1)},`;
}
