import t from 'tap';
import { BROADCAST_CEILING_MS, BROADCAST_FLOOR_MS, FANOUT_SHARE, broadcastWindow } from '../../src/http/broadcast-window.ts';

t.test('the broadcast window: the floor for a cheap broadcast, a fixed multiple of a costly one, never past the ceiling', async (t) => {
  t.equal(broadcastWindow(0), BROADCAST_FLOOR_MS, 'nothing measured: the floor');
  t.equal(broadcastWindow(Number.NaN), BROADCAST_FLOOR_MS, 'an unusable measure: the floor');
  t.equal(broadcastWindow(0.5), BROADCAST_FLOOR_MS, 'a broadcast to a few subscribers: the floor');
  t.equal(broadcastWindow(6), 6 * FANOUT_SHARE, 'a costly broadcast waits that multiple of its cost');
  t.equal(broadcastWindow(8.01), Math.ceil(8.01 * FANOUT_SHARE), 'rounded up, never below the multiple');
  t.equal(broadcastWindow(1_000), BROADCAST_CEILING_MS, 'never past the ceiling');
  t.ok(FANOUT_SHARE * BROADCAST_FLOOR_MS > 0 && BROADCAST_FLOOR_MS < BROADCAST_CEILING_MS);
  const windows = [0, 1, 2, 5, 10, 20, 25, 30, 100].map(broadcastWindow);
  t.same(windows, [...windows].sort((a, b) => a - b), 'a costlier broadcast never gets a shorter window');
});
