/** The in-place node hash is SHA-256(0x01 ‖ left ‖ right) exactly as node:crypto computes it. */
import { createHash, randomBytes } from 'node:crypto';
import t from 'tap';
import { hashNodeInto } from '../../src/log/node-hash.ts';
import { hashChildren } from '../../src/log/merkle.ts';

t.test('hashNodeInto equals node:crypto on random children, at any offset', async (t) => {
  const src = randomBytes(64 * 500 + 7);
  const dst = Buffer.alloc(32 * 500 + 3);
  for (let i = 0; i < 500; i++) {
    const off = 7 + 64 * i - (i === 0 ? 0 : 7); // one unaligned offset, then aligned ones
    const at = 3 + 32 * i - (i === 0 ? 0 : 3);
    hashNodeInto(src, off, dst, at);
    const want = createHash('sha256').update(Buffer.from([0x01])).update(src.subarray(off, off + 64)).digest();
    if (!dst.subarray(at, at + 32).equals(want)) {
      t.fail(`node ${i} differs`);
      return;
    }
  }
  t.pass('500 random nodes equal');
});

t.test('hashNodeInto on the extreme bytes', async (t) => {
  for (const fill of [0x00, 0xff, 0x80, 0x7f]) {
    const children = Buffer.alloc(64, fill);
    const out = Buffer.alloc(32);
    hashNodeInto(children, 0, out, 0);
    t.ok(out.equals(hashChildren(children.subarray(0, 32), children.subarray(32))), `children of 0x${fill.toString(16)}`);
  }
});
