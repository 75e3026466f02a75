/**
 * One claim's state in the incident view: the layers the domain computes (src/domain/claim-layers.ts)
 * and what the view keeps beside them, with one copy of each repeated string.
 */
import type { ClaimLayers } from '../../src/domain/claim-layers.ts';
import { intern } from '../collections.ts';

/**
 * A claim's layers (the domain's one function computes them) plus what the view keeps beside them.
 * A class whose constructor sets every field in one order, and updated in place by each later event:
 * half a million claims then share one hidden class with every field inside the object. The objects
 * the domain's spreads return (`{ ...claim, rank }`) each got a hidden class and a property array of
 * their own, which at a million events cost more than the claims' data.
 */
export class ClaimState implements ClaimLayers {
  claimId: string;
  predicate: ClaimLayers['predicate'];
  qualifiers: ClaimLayers['qualifiers'];
  sourceId: string;
  value: ClaimLayers['value'];
  statedAt: string;
  citation: ClaimLayers['citation'];
  note: string | undefined;
  redacted: string[] | undefined;
  status: ClaimLayers['status'];
  rank: ClaimLayers['rank'];
  pendingRank: ClaimLayers['pendingRank'];
  revisionCount: number;
  correctionCount: number;
  latestHidden: boolean;
  /** The fact key: predicate and qualifiers. */
  key: string;
  mode: string | undefined;
  /** Epoch ms: a number costs a third of the string, and `toISOString()` gives the stored text back. */
  recordedAt: number;

  constructor(l: ClaimLayers, key: string, mode: string | undefined, recordedAt: number) {
    this.claimId = l.claimId;
    this.predicate = l.predicate;
    this.qualifiers = l.qualifiers;
    this.sourceId = l.sourceId;
    this.value = l.value;
    this.statedAt = l.statedAt;
    this.citation = l.citation;
    this.note = l.note;
    this.redacted = l.redacted;
    this.status = l.status;
    this.rank = l.rank;
    this.pendingRank = l.pendingRank;
    this.revisionCount = l.revisionCount;
    this.correctionCount = l.correctionCount;
    this.latestHidden = l.latestHidden;
    this.key = key;
    this.mode = mode;
    this.recordedAt = recordedAt;
  }

  /** A state of its own with the same fields (a checkpoint must not change with the live fold). */
  clone(): ClaimState {
    return new ClaimState(this, this.key, this.mode, this.recordedAt);
  }
}

/**
 * One copy of the short strings a claim shares with many others (claim ids reused across
 * incidents, statement dates, publishers, notes, value kinds): at a million events the copies
 * JSON.parse makes of each cost more than the claims. The strings are replaced by equal ones, in
 * place (the citation and value objects are the event's own, which no one else changes), so
 * nothing a reader sees differs.
 */
export function internLayers<C extends ClaimLayers>(strings: Map<string, string>, c: C): C {
  c.claimId = intern(strings, c.claimId);
  c.statedAt = intern(strings, c.statedAt);
  if (c.note !== undefined) c.note = intern(strings, c.note);
  const cite = c.citation as Record<string, unknown> | undefined;
  if (cite !== undefined) {
    for (const k of INTERNED_CITATION_FIELDS) {
      const v = cite[k];
      if (typeof v === 'string') cite[k] = intern(strings, v);
    }
  }
  const value = c.value as Record<string, unknown>;
  if (typeof value.kind === 'string') value.kind = intern(strings, value.kind);
  return c;
}

/** The citation fields that repeat across claims; urls and quotes are mostly unique and stay as they are. */
const INTERNED_CITATION_FIELDS = ['title', 'publisher', 'publishedAt', 'retrievedAt'] as const;
