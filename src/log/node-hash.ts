/**
 * RFC 9162 interior node hashes, SHA-256(0x01 ‖ left ‖ right), computed in place: the children read
 * from one buffer, the node written into another, no allocation per node.
 *
 * What start-up spends on a million-leaf tree is the cost per call, not SHA-256 itself: node:crypto
 * allocates a Buffer and crosses into C++ for each 65-byte message, which costs more than the two
 * compression rounds done here in JavaScript (about 0.6 µs against 1 µs a node; see
 * test/log/node-hash.test.ts for its equality with node:crypto). Everything else hashes through node:crypto.
 */

const K = new Int32Array([
  0x428a2f98, 0x71374491, 0xb5c0fbcf, 0xe9b5dba5, 0x3956c25b, 0x59f111f1, 0x923f82a4, 0xab1c5ed5,
  0xd807aa98, 0x12835b01, 0x243185be, 0x550c7dc3, 0x72be5d74, 0x80deb1fe, 0x9bdc06a7, 0xc19bf174,
  0xe49b69c1, 0xefbe4786, 0x0fc19dc6, 0x240ca1cc, 0x2de92c6f, 0x4a7484aa, 0x5cb0a9dc, 0x76f988da,
  0x983e5152, 0xa831c66d, 0xb00327c8, 0xbf597fc7, 0xc6e00bf3, 0xd5a79147, 0x06ca6351, 0x14292967,
  0x27b70a85, 0x2e1b2138, 0x4d2c6dfc, 0x53380d13, 0x650a7354, 0x766a0abb, 0x81c2c92e, 0x92722c85,
  0xa2bfe8a1, 0xa81a664b, 0xc24b8b70, 0xc76c51a3, 0xd192e819, 0xd6990624, 0xf40e3585, 0x106aa070,
  0x19a4c116, 0x1e376c08, 0x2748774c, 0x34b0bcb5, 0x391c0cb3, 0x4ed8aa4a, 0x5b9cca4f, 0x682e6ff3,
  0x748f82ee, 0x78a5636f, 0x84c87814, 0x8cc70208, 0x90befffa, 0xa4506ceb, 0xbef9a3f7, 0xc67178f2,
]);
const IV = new Int32Array([0x6a09e667, 0xbb67ae85, 0x3c6ef372, 0xa54ff53a, 0x510e527f, 0x9b05688c, 0x1f83d9ab, 0x5be0cd19]);
const W = new Int32Array(64);
const H = new Int32Array(8);

/** One SHA-256 compression of the block in W[0..16) into H. */
function compress(): void {
  for (let t = 16; t < 64; t++) {
    const w15 = W[t - 15]!;
    const w2 = W[t - 2]!;
    const s0 = ((w15 >>> 7) | (w15 << 25)) ^ ((w15 >>> 18) | (w15 << 14)) ^ (w15 >>> 3);
    const s1 = ((w2 >>> 17) | (w2 << 15)) ^ ((w2 >>> 19) | (w2 << 13)) ^ (w2 >>> 10);
    W[t] = (W[t - 16]! + s0 + W[t - 7]! + s1) | 0;
  }
  let a = H[0]!, b = H[1]!, c = H[2]!, d = H[3]!, e = H[4]!, f = H[5]!, g = H[6]!, h = H[7]!;
  for (let t = 0; t < 64; t++) {
    const s1 = ((e >>> 6) | (e << 26)) ^ ((e >>> 11) | (e << 21)) ^ ((e >>> 25) | (e << 7));
    const t1 = (h + s1 + ((e & f) ^ (~e & g)) + K[t]! + W[t]!) | 0;
    const s0 = ((a >>> 2) | (a << 30)) ^ ((a >>> 13) | (a << 19)) ^ ((a >>> 22) | (a << 10));
    const t2 = (s0 + ((a & b) ^ (a & c) ^ (b & c))) | 0;
    h = g; g = f; f = e; e = (d + t1) | 0; d = c; c = b; b = a; a = (t1 + t2) | 0;
  }
  H[0] = (H[0]! + a) | 0; H[1] = (H[1]! + b) | 0; H[2] = (H[2]! + c) | 0; H[3] = (H[3]! + d) | 0;
  H[4] = (H[4]! + e) | 0; H[5] = (H[5]! + f) | 0; H[6] = (H[6]! + g) | 0; H[7] = (H[7]! + h) | 0;
}

/**
 * Writes SHA-256(0x01 ‖ src[off, off + 64)) to dst[at, at + 32): the node over the two adjacent
 * 32-byte children at `off`. The caller keeps the ranges in bounds (nothing is checked per node).
 */
export function hashNodeInto(src: Uint8Array, off: number, dst: Uint8Array, at: number): void {
  H.set(IV);
  // The 65-byte message is two blocks: 0x01 and the first 63 child bytes, then the last child byte,
  // the 0x80 terminator, zeros and the length in bits (520).
  W[0] = (0x01 << 24) | (src[off]! << 16) | (src[off + 1]! << 8) | src[off + 2]!;
  for (let i = 1; i < 16; i++) {
    const p = off + 4 * i - 1;
    W[i] = (src[p]! << 24) | (src[p + 1]! << 16) | (src[p + 2]! << 8) | src[p + 3]!;
  }
  compress();
  W[0] = (src[off + 63]! << 24) | 0x800000;
  W.fill(0, 1, 15);
  W[15] = 520;
  compress();
  for (let i = 0; i < 8; i++) {
    const v = H[i]!;
    const o = at + 4 * i;
    dst[o] = v >>> 24;
    dst[o + 1] = (v >>> 16) & 0xff;
    dst[o + 2] = (v >>> 8) & 0xff;
    dst[o + 3] = v & 0xff;
  }
}
