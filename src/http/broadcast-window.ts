/**
 * How long the change feed gathers changes before its next broadcast (docs/operations.md, "Change
 * feed"). A broadcast costs a socket write per subscriber, so with a fixed window the writes per
 * second grow with subscribers × broadcasts; waiting `FANOUT_SHARE` times as long as the last
 * broadcast took keeps fan-out near 1 / (1 + FANOUT_SHARE) of the event loop whatever the number of
 * subscribers. The floor keeps a quiet feed prompt; the ceiling bounds how stale a change can reach
 * a client, at the price of fan-out taking a larger share when broadcasts grow beyond it.
 */
export const BROADCAST_FLOOR_MS = 20;
export const BROADCAST_CEILING_MS = 250;
export const FANOUT_SHARE = 10;

/** The window after a broadcast that kept the event loop `tookMs`. */
export function broadcastWindow(tookMs: number): number {
  if (!(tookMs > 0)) return BROADCAST_FLOOR_MS;
  return Math.min(BROADCAST_CEILING_MS, Math.max(BROADCAST_FLOOR_MS, Math.ceil(FANOUT_SHARE * tookMs)));
}
