/**
 * Child process for the contract's concurrency test: opens the store named by
 * PALIMPSEST_TEST_STORE_CONFIG, prints `ready`, waits for `go` on stdin so that both workers
 * start together, then appends `count` single events to `stream`, each with the exact expected
 * revision, re-reading the revision after every WrongExpectedVersion. Prints a JSON summary last.
 *
 * argv: <stream> <worker name> <count>
 */
import { randomUUID } from 'node:crypto';
import { once } from 'node:events';
import { openStore, type StoreConfig } from '../../src/store/open.ts';
import { WrongExpectedVersion } from '../../src/store/port.ts';

const [stream, worker, countText] = process.argv.slice(2);
const configText = process.env.PALIMPSEST_TEST_STORE_CONFIG;
if (stream === undefined || worker === undefined || countText === undefined || configText === undefined) {
  console.error('usage: PALIMPSEST_TEST_STORE_CONFIG=<json> append-worker.ts <stream> <worker> <count>');
  process.exit(2);
}
const count = Number(countText);
const config = JSON.parse(configText) as StoreConfig;

const store = await openStore(config);
process.stdout.write('ready\n');
process.stdin.setEncoding('utf8');
let input = '';
while (!input.includes('go')) {
  const [chunk] = (await once(process.stdin, 'data')) as [string];
  input += chunk;
}
process.stdin.destroy();

// SQLite's busy handler sleeps while the other process holds the write lock, so a worker that
// appends back to back keeps the lock and the other barely gets a turn. A pause between read and
// append (where a real handler runs decide()) and a random gap after each append make the two
// interleave and exercise the WrongExpectedVersion path.
const pause = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));
const yieldOnce = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

let retries = 0;
for (let n = 0; n < count; n++) {
  // The same id on every retry: a WrongExpectedVersion wrote nothing, so the id is still unused.
  const event = {
    eventId: randomUUID(), type: 'WorkerAppended', schemaVersion: 1,
    data: { worker, n }, metadata: { actor: worker, correlationId: `${worker}-${n}` },
  };
  for (;;) {
    const revision = await store.streamRevision(stream);
    await yieldOnce();
    try {
      await store.append(stream, [event], { expected: revision ?? 'no_stream' });
      if (Math.random() < 0.5) await pause(1);
      break;
    } catch (err) {
      if (!(err instanceof WrongExpectedVersion)) throw err;
      retries += 1;
    }
  }
}
await store.close();
process.stdout.write(`${JSON.stringify({ worker, appended: count, retries })}\n`);
