/**
 * Merkle log at scale: `npx tsx scripts/bench-merkle.ts [leaves]` (default 1,000,000).
 * Run with `npx tsx --expose-gc …` for memory figures without garbage still on the heap.
 */
import { createHash } from 'node:crypto';
import { MerkleLog, verifyConsistency, verifyInclusion } from '../src/log/merkle.ts';

const N = Number(process.argv[2] ?? 1_000_000);
const SAMPLES = 1000;

// Seeded so runs are comparable.
function mulberry32(seed: number): () => number {
  return () => {
    seed = (seed + 0x6d2b79f5) | 0;
    let x = Math.imul(seed ^ (seed >>> 15), 1 | seed);
    x = (x + Math.imul(x ^ (x >>> 7), 61 | x)) ^ x;
    return ((x ^ (x >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = mulberry32(9162);
const randInt = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));

const gc = (globalThis as { gc?: () => void }).gc;
const mb = (n: number): string => `${(n / 2 ** 20).toFixed(1)} MiB`;
const ms = (ns: bigint): string => `${(Number(ns) / 1e6).toFixed(1)} ms`;
const us = (ns: number): string => `${(ns / 1e3).toFixed(1)} µs`;
const median = (xs: number[]): number => xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

gc?.();
const base = process.memoryUsage();

// Leaf hashes are made up front so the append timing is the tree alone.
let t0 = process.hrtime.bigint();
let leaves: Buffer | undefined = Buffer.allocUnsafe(N * 32);
const counter = Buffer.alloc(8);
for (let i = 0; i < N; i++) {
  counter.writeBigUInt64BE(BigInt(i));
  createHash('sha256').update(Buffer.from([0])).update(counter).digest().copy(leaves, i * 32);
}
const leafTime = process.hrtime.bigint() - t0;

const log = new MerkleLog();
t0 = process.hrtime.bigint();
for (let i = 0; i < N; i++) log.append(leaves.subarray(i * 32, i * 32 + 32));
const appendTime = process.hrtime.bigint() - t0;
gc?.();
const built = process.memoryUsage();
const leafCopy = leaves;
leaves = undefined;

function timeEach(run: () => void): number[] {
  const out: number[] = [];
  for (let i = 0; i < SAMPLES; i++) {
    const s = process.hrtime.bigint();
    run();
    out.push(Number(process.hrtime.bigint() - s));
  }
  return out;
}

const rootTimes = timeEach(() => log.root(randInt(1, N)));

let checked = 0;
const inclTimes = timeEach(() => {
  const size = randInt(1, N);
  const index = randInt(0, size - 1);
  const proof = log.inclusionProof(index, size);
  if (checked++ % 100 === 0 && !verifyInclusion(leafCopy.subarray(index * 32, index * 32 + 32), index, size, proof, log.root(size))) {
    throw new Error(`inclusion proof (${index}, ${size}) does not verify`);
  }
});
const consTimes = timeEach(() => {
  const to = randInt(1, N);
  const from = randInt(1, to);
  const proof = log.consistencyProof(from, to);
  if (checked++ % 100 === 0 && !verifyConsistency(from, to, log.root(from), log.root(to), proof)) {
    throw new Error(`consistency proof (${from}, ${to}) does not verify`);
  }
});

t0 = process.hrtime.bigint();
const snap = log.serialize();
const serTime = process.hrtime.bigint() - t0;
t0 = process.hrtime.bigint();
const restored = MerkleLog.deserialize(snap);
const deserTime = process.hrtime.bigint() - t0;
if (!restored.root().equals(log.root())) throw new Error('snapshot round trip changed the root');


const rows: Array<[string, string]> = [
  ['leaves', N.toLocaleString('en')],
  ['leaf hashes (setup)', ms(leafTime)],
  ['append all', `${ms(appendTime)}  (${us(Number(appendTime) / N)} / leaf)`],
  [`root(random size), median of ${SAMPLES}`, us(median(rootTimes))],
  [`inclusion proof, median of ${SAMPLES}`, us(median(inclTimes))],
  [`consistency proof, median of ${SAMPLES}`, us(median(consTimes))],
  ['serialize', `${ms(serTime)}  (${mb(snap.length)})`],
  ['deserialize (checksum + copy)', ms(deserTime)],
  ['node storage (one log)', mb(log.storageBytes())],
  ['after append: arrayBuffers Δ minus leaf input', mb(built.arrayBuffers - base.arrayBuffers - N * 32)],
  ['after append: heapUsed Δ', mb(built.heapUsed - base.heapUsed)],
  ['after append: rss', mb(built.rss)],
  ['gc exposed', gc ? 'yes' : 'no (run with --expose-gc for settled figures)'],
];
const w = Math.max(...rows.map(([k]) => k.length));
for (const [k, v] of rows) console.log(`${k.padEnd(w)}  ${v}`);
