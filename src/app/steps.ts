import { setImmediate as nextTurn } from 'node:timers/promises';

/**
 * Runs a computation given in steps (a generator that yields between slices of its work, as the
 * incident view's renderer does), letting the event loop serve other requests between the steps:
 * one large answer then delays other clients by a step, not by its whole cost.
 */
export async function inSteps<T>(steps: Generator<void, T>): Promise<T> {
  for (;;) {
    const r = steps.next();
    if (r.done === true) return r.value;
    await nextTurn();
  }
}
