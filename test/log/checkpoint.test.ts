import t from 'tap';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { createHash } from 'node:crypto';
import { parseCheckpoint, signCheckpoint, verifierKeyText, verifyCheckpoint } from '../../src/log/checkpoint.ts';
import { loadOrCreateSigningKey, loadSigningKey, signingKeyFromSeed } from '../../src/log/keys.ts';
import { NoteError, parseVerifierKey, signNote, verifyNote } from '../../src/log/note.ts';

const codeOf = (fn: () => unknown): string | undefined => {
  try {
    fn();
  } catch (err) {
    return err instanceof NoteError ? err.code : `not a NoteError: ${String(err)}`;
  }
  return undefined;
};

// Vectors from golang.org/x/mod sumdb/note/note_test.go (repository golang/mod).
const peterKey = 'PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW';
const peterSigner = 'PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz';
const enochKey = 'EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop';
const goText = "If you think cryptography is the answer to your problem,\nthen you don't know what your problem is.\n";
const peterSig = '— PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n';
const enochSig = '— EnochRoot rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n';

t.test("Go note package: keys", async (t) => {
  const v = parseVerifierKey(peterKey);
  t.equal(v.name, 'PeterNeumann');
  t.equal(v.keyHash.toString('hex'), 'c74f20a3');
  t.equal(verifierKeyText('PeterNeumann', v.publicKey), peterKey, 'verifier key text round-trips');

  // "PRIVATE+KEY+<name>+<hash>+<base64(0x01 ‖ seed)>": our key derivation must land on the same public key.
  const blob = Buffer.from(peterSigner.split('+').slice(4).join('+'), 'base64');
  t.equal(blob[0], 1);
  const key = signingKeyFromSeed(blob.subarray(1), 'PeterNeumann');
  t.equal(key.verifierKey, peterKey);
  t.equal(key.keyHash.toString('hex'), 'c74f20a3');

  // TestNewVerifier: every proper substring and every single-byte change is refused.
  const bytes = Buffer.from(peterKey);
  const accepted: string[] = [];
  for (let i = 0; i <= bytes.length; i++) {
    for (let j = i + 1; j <= bytes.length; j++) {
      if ((i !== 0 || j !== bytes.length) && codeOf(() => parseVerifierKey(bytes.subarray(i, j).toString())) !== 'malformed-key') {
        accepted.push(bytes.subarray(i, j).toString());
      }
    }
  }
  for (let i = 0; i < bytes.length; i++) {
    const b = Buffer.from(bytes);
    b[i] = b[i]! + 1;
    if (codeOf(() => parseVerifierKey(b.toString('latin1'))) !== 'malformed-key') accepted.push(b.toString('latin1'));
  }
  t.same(accepted, [], 'no mangled key accepted');
  t.equal(codeOf(() => parseVerifierKey('PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==')), 'malformed-key', 'wrong length');
  t.equal(codeOf(() => parseVerifierKey('PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW')), 'malformed-key', 'unknown algorithm');
});

t.test('Go note package: sign and open', async (t) => {
  const blob = Buffer.from(peterSigner.split('+').slice(4).join('+'), 'base64');
  const key = signingKeyFromSeed(blob.subarray(1), 'PeterNeumann');
  // Ed25519 is deterministic, so the note must be byte-identical to Go's TestSign output.
  t.equal(signNote(goText, key), `${goText}\n${peterSig}`);

  const both = `${goText}\n${peterSig}${enochSig}`;
  t.equal(verifyNote(both, peterKey).text, goText, 'verified by Peter, Enoch ignored');
  t.equal(verifyNote(both, enochKey).text, goText, 'verified by Enoch');
  t.equal(verifyNote(both, peterKey).signatures.length, 2);

  t.equal(codeOf(() => verifyNote(`${goText}\n${peterSig.slice(0, 60)}ABCD${peterSig.slice(60)}`, peterKey)), 'bad-signature');
  t.equal(codeOf(() => verifyNote(`${goText}\n${enochSig}`, peterKey)), 'unknown-key');
  t.equal(codeOf(() => verifyNote(`${goText}\n${peterSig.replace('x08g', 'xxxx')}`, peterKey)), 'unknown-key', 'wrong key hash');
  t.equal(codeOf(() => verifyNote(`${goText}\n${peterSig.repeat(101)}`, peterKey)), 'malformed-note', 'too many signatures');
  const badMsgs = [
    goText,
    `${goText}\n`,
    `${goText}\n${peterSig.slice(0, -1)}`,
    `\x01${goText}\n${peterSig}`,
    `\ufffd${goText}\n${peterSig}`,
    `${goText}\n— Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=`,
    `${goText}\n${peterSig}Unexpected line.\n`,
  ];
  for (const msg of badMsgs) t.equal(codeOf(() => verifyNote(msg, peterKey)), 'malformed-note', JSON.stringify(msg.slice(-30)));
});

t.test('a genuine sum.golang.org signed tree head', async (t) => {
  // The Go checksum database's published key and one of its tree heads (quoted in public monitoring
  // write-ups); its origin line predates C2SP and is not the key name.
  const sumdbKey = 'sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8';
  const sth = 'go.sum database tree\n49189689\nftjbAOzaupaIvaPo/G+Dk63nxOZ2s1OPOKIaPtXs7S4=\n\n— sum.golang.org Az3grlKZssqRoMNPpZfKt0TphbbcF+pzXqElURJKRNFKfaUAgqeI5k2AORH0QAhg/ebRwyIqD/OqP4oLtLnNumvOBAM=\n';
  t.ok(verifyNote(sth, sumdbKey));
  const cp = parseCheckpoint(sth);
  t.equal(cp.origin, 'go.sum database tree');
  t.equal(cp.size, 49189689n);
  t.equal(cp.root.toString('base64'), 'ftjbAOzaupaIvaPo/G+Dk63nxOZ2s1OPOKIaPtXs7S4=');
  t.equal(codeOf(() => verifyCheckpoint(sth, sumdbKey)), 'origin-mismatch');
  t.equal(codeOf(() => verifyNote(sth.replace('49189689', '49189690'), sumdbKey)), 'bad-signature');
});

const origin = 'palimpsest.test/log';
const root = createHash('sha256').update('some root').digest();

t.test('checkpoint sign → verify, and tampering', async (t) => {
  const dir = t.testdir();
  const key = loadOrCreateSigningKey(path.join(dir, 'log-key.pem'), origin);
  const text = signCheckpoint(key, 42, root);
  const body = `${origin}\n42\n${root.toString('base64')}\n`;
  t.equal(text.slice(0, body.length + 1), `${body}\n`, 'body, then a blank line');
  // base64 of 4-byte key hash ‖ 64-byte signature: 68 bytes, 92 characters with one "=".
  t.match(text.slice(body.length + 1), /^\u2014 palimpsest\.test\/log [A-Za-z0-9+/]{91}=\n$/);
  const ok = verifyCheckpoint(text, key.verifierKey);
  t.equal(ok.origin, origin);
  t.equal(ok.size, 42n);
  t.same(ok.root, root);
  t.equal(signCheckpoint(key, 42n, root), text, 'bigint size signs the same body');

  const parsed = parseCheckpoint(text);
  t.equal(parsed.signatures.length, 1);
  t.same(parsed.signatures[0]!.keyHash, key.keyHash);

  t.equal(codeOf(() => verifyCheckpoint(text.replace('\n42\n', '\n43\n'), key.verifierKey)), 'bad-signature', 'size');
  const otherRoot = Buffer.from(root);
  otherRoot[0] = otherRoot[0]! ^ 1;
  t.equal(codeOf(() => verifyCheckpoint(text.replace(root.toString('base64'), otherRoot.toString('base64')), key.verifierKey)), 'bad-signature', 'root');
  const sigAt = text.lastIndexOf(' ') + 10;
  const flipped = text.slice(0, sigAt) + (text[sigAt] === 'A' ? 'B' : 'A') + text.slice(sigAt + 1);
  t.equal(codeOf(() => verifyCheckpoint(flipped, key.verifierKey)), 'bad-signature', 'signature');

  const other = loadOrCreateSigningKey(path.join(dir, 'other.pem'), origin);
  t.equal(codeOf(() => verifyCheckpoint(text, other.verifierKey)), 'unknown-key', 'another key of the same origin');
  t.throws(() => verifyCheckpoint(text, other.verifierKey), /not signed by key palimpsest\.test\/log\+/);
  const elsewhere = loadOrCreateSigningKey(path.join(dir, 'log-key.pem'), 'elsewhere.test/log');
  t.equal(codeOf(() => verifyCheckpoint(signCheckpoint(elsewhere, 42, root), key.verifierKey)), 'unknown-key', 'same key, other origin');

  t.equal(codeOf(() => verifyCheckpoint(text, 'garbage')), 'malformed-key');
  t.equal(codeOf(() => verifyCheckpoint('not a note', key.verifierKey)), 'malformed-note');
  t.equal(codeOf(() => verifyCheckpoint(signNote(`${origin}\n4x2\n${root.toString('base64')}\n`, key), key.verifierKey)), 'malformed-checkpoint');
  t.equal(codeOf(() => verifyCheckpoint(signNote(`${origin}\n042\n${root.toString('base64')}\n`, key), key.verifierKey)), 'malformed-checkpoint');
  t.equal(codeOf(() => verifyCheckpoint(signNote(`${origin}\n42\nAAAA\n`, key), key.verifierKey)), 'malformed-checkpoint');
  // Extension lines are allowed by the checkpoint format and covered by the signature.
  const ext = signNote(`${origin}\n42\n${root.toString('base64')}\nextension line\n`, key);
  t.same(parseCheckpoint(ext).extensions, ['extension line']);
  t.equal(verifyCheckpoint(ext, key.verifierKey).size, 42n);
  t.throws(() => signCheckpoint(key, -1, root), RangeError);
  t.throws(() => signCheckpoint(key, 1, Buffer.alloc(31)), RangeError);
});

t.test('key file', async (t) => {
  const dir = t.testdir();
  const file = path.join(dir, 'nested', 'deeper', 'log-key.pem');
  const created = loadOrCreateSigningKey(file, origin);
  t.equal(fs.statSync(file).mode & 0o777, 0o600, 'created with mode 0600');
  t.match(fs.readFileSync(file, 'utf8'), /^-----BEGIN PRIVATE KEY-----\n/);
  t.same(fs.readdirSync(path.dirname(file)), ['log-key.pem'], 'no temporary file left behind');
  t.equal(created.publicKey.length, 32);
  t.equal(created.keyHash.length, 4);
  t.same(parseVerifierKey(created.verifierKey).publicKey, created.publicKey);

  const again = loadOrCreateSigningKey(file, origin);
  t.equal(again.verifierKey, created.verifierKey, 'the second start loads the same key');
  t.equal(loadSigningKey(file, origin).verifierKey, created.verifierKey);

  fs.chmodSync(file, 0o644);
  t.equal(loadOrCreateSigningKey(file, origin).verifierKey, created.verifierKey, 'a wider mode still loads');

  t.throws(() => loadSigningKey(path.join(dir, 'missing.pem'), origin), /ENOENT/);
  fs.writeFileSync(path.join(dir, 'junk.pem'), 'not a key');
  t.throws(() => loadSigningKey(path.join(dir, 'junk.pem'), origin), /not a PKCS#8 PEM private key/);
  t.throws(() => loadOrCreateSigningKey(path.join(dir, 'k2.pem'), 'bad origin'), /invalid log origin/);
});
