import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

export const Role = z.enum(['reader', 'editor', 'auditor', 'admin']);
export type Role = z.infer<typeof Role>;

/** What each role may do; admin may do everything. */
export const ROLE_GRANTS: Record<Role, readonly Role[]> = {
  reader: ['reader'],
  editor: ['reader', 'editor'],
  auditor: ['reader', 'auditor'],
  admin: ['reader', 'editor', 'auditor', 'admin'],
};

const StoredKey = z.object({
  id: z.string(),
  name: z.string(),
  role: Role,
  salt: z.string(),
  hash: z.string(),
  createdAt: z.string(),
  revokedAt: z.string().optional(),
});
export type StoredKey = z.infer<typeof StoredKey>;
const KeyFile = z.object({ version: z.literal(1), keys: z.array(StoredKey) });

export interface Principal {
  /** The actor recorded on every event this principal writes. */
  id: string;
  role: Role;
}

/** Tokens are `pal_<key id>_<secret>`: the id finds the key, the secret is checked against its hash. */
const TOKEN = /^pal_([a-z0-9][a-z0-9-]{1,63})_([A-Za-z0-9_-]{43})$/;

function hashSecret(salt: string, secret: string): string {
  // Secrets are 256 random bits, so a salted SHA-256 is enough; a slow KDF would only slow every request.
  return createHash('sha256').update(salt).update('\u0000').update(secret).digest('base64url');
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export class KeyError extends Error {
  override readonly name = 'KeyError';
}

/**
 * Keys kept somewhere other than the file (PostgreSQL's table, so that every instance shares
 * them): the ring authenticates against `keys()`, which answers from memory, while the source
 * keeps it current and does its own writes.
 */
export interface KeySource {
  keys(): readonly StoredKey[];
}

/** A new key with its token, checked against the keys that exist: the only time the token exists outside the caller. */
export function newKey(
  role: Role, name: string, id: string | undefined, existing: readonly StoredKey[], adminToken?: string,
): { key: StoredKey; token: string } {
  const keyId = id ?? `${slug(name)}-${randomBytes(3).toString('hex')}`;
  if (!TOKEN.test(`pal_${keyId}_${'a'.repeat(43)}`)) throw new KeyError(`invalid key id: ${keyId}`);
  if (keyId === 'admin' && adminToken !== undefined) throw new KeyError('the id admin belongs to PALIMPSEST_ADMIN_TOKEN');
  if (existing.some((k) => k.id === keyId)) throw new KeyError(`a key with id ${keyId} exists`);
  const secret = randomBytes(32).toString('base64url');
  const salt = randomBytes(16).toString('base64url');
  const key: StoredKey = { id: keyId, name, role, salt, hash: hashSecret(salt, secret), createdAt: new Date().toISOString() };
  return { key, token: `pal_${keyId}_${secret}` };
}

/**
 * API keys in `<data dir>/keys.json` (mode 0600), holding only salted hashes. The file is re-read
 * when it changes, so keys created or revoked by `palimpsest keys` apply to a running server.
 * With a KeySource the keys are the source's (the file is not used) and the ring only reads them.
 */
export class KeyRing {
  private keys: StoredKey[] = [];
  private mtimeMs = -1;
  private checkedAt = 0;

  constructor(
    private readonly file: string,
    private readonly adminToken?: string,
    private readonly source?: KeySource,
  ) {
    this.reload();
  }

  static fileIn(dataDir: string): string {
    return path.join(dataDir, 'keys.json');
  }

  private reload(): void {
    if (this.source !== undefined) {
      this.keys = [...this.source.keys()];
      return;
    }
    let stat: fs.Stats;
    try {
      stat = fs.statSync(this.file);
    } catch {
      this.keys = [];
      this.mtimeMs = -1;
      return;
    }
    if (stat.mtimeMs === this.mtimeMs) return;
    this.keys = KeyFile.parse(JSON.parse(fs.readFileSync(this.file, 'utf8'))).keys;
    this.mtimeMs = stat.mtimeMs;
  }

  private maybeReload(): void {
    if (this.source !== undefined) return this.reload();
    const now = Date.now();
    if (now - this.checkedAt < 1000) return;
    this.checkedAt = now;
    this.reload();
  }

  private save(): void {
    if (this.source !== undefined) throw new KeyError('these keys live in the database: create and revoke them there (palimpsest keys)');
    fs.mkdirSync(path.dirname(this.file), { recursive: true });
    const tmp = `${this.file}.${process.pid}.tmp`;
    fs.writeFileSync(tmp, `${JSON.stringify({ version: 1, keys: this.keys }, null, 2)}\n`, { mode: 0o600 });
    fs.renameSync(tmp, this.file);
    this.mtimeMs = fs.statSync(this.file).mtimeMs;
  }

  list(): Omit<StoredKey, 'salt' | 'hash'>[] {
    this.reload();
    return this.keys.map(({ salt: _s, hash: _h, ...k }) => k);
  }

  get isEmpty(): boolean {
    this.reload();
    return this.keys.length === 0;
  }

  /** Creates a key and returns its token: the only time the token exists outside the caller. */
  create(role: Role, name: string, id?: string): { id: string; token: string } {
    this.reload();
    const { key, token } = newKey(role, name, id, this.keys, this.adminToken);
    this.keys.push(key);
    this.save();
    return { id: key.id, token };
  }

  revoke(id: string): boolean {
    this.reload();
    const key = this.keys.find((k) => k.id === id && k.revokedAt === undefined);
    if (!key) return false;
    key.revokedAt = new Date().toISOString();
    this.save();
    return true;
  }

  private readonly ephemeral = new Map<string, Principal>();

  /** A key that lives only in this process (the demo loader's `system` actor); never written to the file. */
  createEphemeral(id: string, role: Role): string {
    const token = `pal_${id}_${randomBytes(32).toString('base64url')}`;
    this.ephemeral.set(token, { id, role });
    return token;
  }

  dropEphemeral(token: string): void {
    this.ephemeral.delete(token);
  }

  /** The principal a bearer token stands for, or undefined for an unknown, revoked or malformed one. */
  /** The admin token's hash, made once: every request authenticated with it would hash it again. */
  private get adminHash(): string | undefined {
    if (this.adminToken === undefined) return undefined;
    this.#adminHash ??= hashSecret('admin', this.adminToken);
    return this.#adminHash;
  }
  #adminHash: string | undefined;

  authenticate(token: string): Principal | undefined {
    if (this.adminHash !== undefined && sameHash(hashSecret('admin', token), this.adminHash)) {
      return { id: 'admin', role: 'admin' };
    }
    const temporary = this.ephemeral.get(token);
    if (temporary) return temporary;
    const m = TOKEN.exec(token);
    if (!m) return undefined;
    this.maybeReload();
    const [, id, secret] = m as unknown as [string, string, string];
    const key = this.keys.find((k) => k.id === id);
    if (!key || key.revokedAt !== undefined) return undefined;
    return sameHash(hashSecret(key.salt, secret), key.hash) ? { id: key.id, role: key.role } : undefined;
  }
}

function slug(s: string): string {
  const out = s.toLowerCase().normalize('NFKD').replace(/[^a-z0-9]+/g, '-').replace(/^-+|-+$/g, '').slice(0, 40);
  return out.length >= 2 ? out : 'key';
}

/**
 * With neither keys nor PALIMPSEST_ADMIN_TOKEN, the first start creates an admin key and writes its
 * token to `<data dir>/admin-token` (mode 0600). Returns that file's path when it did so.
 */
export function ensureAdmin(ring: KeyRing, dataDir: string, adminTokenSet: boolean): string | undefined {
  if (adminTokenSet || !ring.isEmpty) return undefined;
  const { token } = ring.create('admin', 'first-start admin', 'admin');
  return writeAdminToken(dataDir, token);
}

/** Writes the first admin token to `<data dir>/admin-token` (mode 0600); returns the file's path. */
export function writeAdminToken(dataDir: string, token: string): string {
  const file = path.join(dataDir, 'admin-token');
  fs.writeFileSync(file, `${token}\n`, { mode: 0o600 });
  fs.chmodSync(file, 0o600);
  return file;
}
