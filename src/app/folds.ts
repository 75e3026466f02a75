import { projections } from '../../projections/index.ts';
import { idempotencyIndex } from './idempotency.ts';
import type { Fold } from './live-models.ts';
import { merkleFold } from './merkle-fold.ts';

/** Every read model this instance keeps, fed in global order by one subscription. */
export function allFolds(): Fold[] {
  return [...(projections as readonly Fold[]), idempotencyIndex as Fold, merkleFold as Fold];
}
