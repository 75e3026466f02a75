import { leanProjections } from '../../projections/index.ts';
import { idempotencyIndex } from './idempotency.ts';
import type { Projection } from '../../projections/projection.ts';
import { merkleFold } from './merkle-fold.ts';

/**
 * Every read model this instance keeps, fed in global order by one subscription. The provenance
 * history is not among them: every event's data held in memory is most of the cost at a million
 * events, and a history read is bound by its incident's stream anyway (see Reads.history).
 */
export function allFolds(): Projection[] {
  return [...leanProjections, idempotencyIndex, merkleFold];
}
