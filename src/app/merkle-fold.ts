import { eventLeafHash } from '../log/leaf.ts';
import { MerkleLog } from '../log/merkle.ts';
import type { Projection } from '../../projections/projection.ts';

/**
 * The live tree over every event in global order. It takes the leaf hash the store kept when it
 * wrote the event (recomputing a million canonical JSON documents at every start is the slow part
 * of a replay); `palimpsest verify` recomputes each one from the stored fields and names any
 * event whose content no longer matches.
 */
export const merkleFold: Projection<MerkleLog> = {
  name: 'merkle',
  version: 1,
  initial: () => new MerkleLog(),
  apply(tree, e) {
    tree.append(e.leafHash ?? eventLeafHash(e));
    return tree;
  },
  serialize: (tree) => `${tree.size} ${tree.root().toString('base64')}`,
};
