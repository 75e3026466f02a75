/**
 * Every checkpoint the server signs, kept outside the event tables (docs/log.md, "Kept
 * checkpoints"): `checkpoints.ndjson`, one `{size, root, note}` a line, and `checkpoint-leaves.bin`,
 * the leaf hashes the kept checkpoints cover, 32 bytes each in index order. The copy of the leaves is
 * what lets `verify` name the first bad leaf when both an event and its stored leaf hash were
 * rewritten: it is trusted exactly as far as the signed roots confirm it.
 *
 * Both files are only ever appended to (the leaves file is written at fixed offsets), each write
 * fsync'd before the next step, so a crash leaves at worst a torn last line or a partial last leaf,
 * which readers skip. Several processes on one data directory may keep checkpoints at once: they
 * write the same leaves at the same offsets, and readers take each size once.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseCheckpoint } from './checkpoint.ts';
import { MerkleLog } from './merkle.ts';

export const CHECKPOINTS_FILE = 'checkpoints.ndjson';
export const LEAVES_FILE = 'checkpoint-leaves.bin';
const HASH = 32;
const LEAVES_PER_WRITE = 32_768;

export interface KeptCheckpoint {
  size: number;
  root: Buffer;
  /** The signed note exactly as served. */
  note: string;
}

export class ArchiveError extends Error {
  override readonly name = 'ArchiveError';
  constructor(readonly code: 'fork', message: string) {
    super(message);
  }
}

function parseLine(line: string): KeptCheckpoint | undefined {
  try {
    const o: unknown = JSON.parse(line);
    if (typeof o !== 'object' || o === null) return undefined;
    const { size, root, note } = o as Record<string, unknown>;
    if (typeof size !== 'number' || !Number.isSafeInteger(size) || size < 0 || typeof root !== 'string' || typeof note !== 'string') return undefined;
    const cp = parseCheckpoint(note);
    // The plain fields are an index into the note; a line where they disagree is damaged.
    if (cp.size !== BigInt(size) || cp.root.toString('base64') !== root) return undefined;
    return { size, root: cp.root, note };
  } catch {
    return undefined;
  }
}

export class CheckpointArchive {
  private readonly bySize = new Map<number, KeptCheckpoint>();
  private readOffset = 0;
  private damagedLines = 0;
  private latestKept: KeptCheckpoint | undefined;

  private constructor(
    private readonly notesFd: number,
    private readonly leavesFd: number,
  ) {}

  #closed = false;

  /** Opens (creating when absent) the archive in `dir`. */
  static open(dir: string): CheckpointArchive {
    fs.mkdirSync(dir, { recursive: true });
    const notes = path.join(dir, CHECKPOINTS_FILE);
    const leaves = path.join(dir, LEAVES_FILE);
    const created = !fs.existsSync(notes) || !fs.existsSync(leaves);
    const archive = new CheckpointArchive(fs.openSync(notes, 'a+', 0o644), fs.openSync(leaves, fs.constants.O_RDWR | fs.constants.O_CREAT, 0o644));
    if (created) fsyncDir(dir);
    archive.refresh();
    return archive;
  }

  /** Idempotent, as the runtime's close is: a second close must not close descriptors reused since. */
  close(): void {
    if (this.#closed) return;
    this.#closed = true;
    fs.closeSync(this.notesFd);
    fs.closeSync(this.leavesFd);
  }

  /** Reads what was appended since the last look (by this process or another), complete lines only. */
  private refresh(): void {
    const end = fs.fstatSync(this.notesFd).size;
    if (end <= this.readOffset) return;
    const buf = Buffer.alloc(end - this.readOffset);
    fs.readSync(this.notesFd, buf, 0, buf.length, this.readOffset);
    const lastNewline = buf.lastIndexOf(0x0a);
    if (lastNewline < 0) return; // a torn or in-progress first line: read again later
    for (const line of buf.subarray(0, lastNewline).toString('utf8').split('\n')) {
      if (line === '') continue;
      const cp = parseLine(line);
      if (cp === undefined) {
        this.damagedLines++;
        continue;
      }
      if (!this.bySize.has(cp.size)) this.bySize.set(cp.size, cp);
      if (this.latestKept === undefined || cp.size > this.latestKept.size) this.latestKept = cp;
    }
    this.readOffset += lastNewline + 1;
  }

  /**
   * Keeps a checkpoint the server signed, with the leaf hashes it covers beyond those already kept
   * (`leafAt(i)` for i up to the checkpoint's size). Returns undefined when that size was kept already
   * with the same root; throws `fork` when it was kept with another root: the server signed two trees
   * of one size, which only a rewritten log explains.
   */
  keep(note: string, leafAt: (index: number) => Buffer): KeptCheckpoint | undefined {
    const cp = parseCheckpoint(note);
    const size = Number(cp.size);
    this.refresh();
    const known = this.bySize.get(size);
    if (known !== undefined) {
      if (known.root.equals(cp.root)) return undefined;
      throw new ArchiveError('fork', `a checkpoint of size ${size} was kept with root ${known.root.toString('base64')}, now signed with ${cp.root.toString('base64')}`);
    }
    const keptLeaves = Math.floor(fs.fstatSync(this.leavesFd).size / HASH);
    const from = Math.min(this.latestKept?.size ?? 0, keptLeaves);
    if (size > from) this.writeLeaves(from, size, leafAt);
    const kept: KeptCheckpoint = { size, root: cp.root, note };
    const line = `${JSON.stringify({ size, root: cp.root.toString('base64'), note })}\n`;
    // After a crash mid-line, start on a fresh line so the torn one stays one damaged line.
    fs.writeSync(this.notesFd, this.endsWithNewline() ? line : `\n${line}`);
    fs.fsyncSync(this.notesFd);
    this.refresh();
    return kept;
  }

  private endsWithNewline(): boolean {
    const end = fs.fstatSync(this.notesFd).size;
    if (end === 0) return true;
    const last = Buffer.alloc(1);
    fs.readSync(this.notesFd, last, 0, 1, end - 1);
    return last[0] === 0x0a;
  }

  private writeLeaves(from: number, to: number, leafAt: (index: number) => Buffer): void {
    for (let start = from; start < to; start += LEAVES_PER_WRITE) {
      const end = Math.min(to, start + LEAVES_PER_WRITE);
      const buf = Buffer.alloc((end - start) * HASH);
      for (let i = start; i < end; i++) {
        const leaf = leafAt(i);
        if (leaf.length !== HASH) throw new RangeError(`leaf ${i} is not ${HASH} bytes`);
        leaf.copy(buf, (i - start) * HASH);
      }
      fs.writeSync(this.leavesFd, buf, 0, buf.length, start * HASH);
    }
    // The leaves are durable before the line that covers them.
    fs.fsyncSync(this.leavesFd);
  }

  /** Every kept checkpoint, each size once, by size; `damaged` counts lines that could not be read. */
  readAll(): { checkpoints: KeptCheckpoint[]; damaged: number } {
    this.refresh();
    return { checkpoints: [...this.bySize.values()].sort((a, b) => a.size - b.size), damaged: this.damagedLines };
  }

  /** The kept checkpoints of size ≥ `size`, by size (what `GET /log/checkpoints?from=` serves). */
  readFrom(size: number): KeptCheckpoint[] {
    return this.readAll().checkpoints.filter((c) => c.size >= size);
  }

  latest(): KeptCheckpoint | undefined {
    this.refresh();
    return this.latestKept;
  }

  /**
   * The kept copy of the leaf hashes, up to the latest kept checkpoint, as a tree. Whether it can be
   * trusted is for the caller to check against the signed roots (see verify-bisect.ts).
   */
  keptLeaves(): MerkleLog {
    const size = Math.min(this.latest()?.size ?? 0, Math.floor(fs.fstatSync(this.leavesFd).size / HASH));
    const tree = new MerkleLog();
    for (let start = 0; start < size; start += LEAVES_PER_WRITE) {
      const n = Math.min(size - start, LEAVES_PER_WRITE);
      const buf = Buffer.alloc(n * HASH);
      fs.readSync(this.leavesFd, buf, 0, buf.length, start * HASH);
      for (let i = 0; i < n; i++) tree.append(buf.subarray(i * HASH, (i + 1) * HASH));
    }
    return tree;
  }
}

function fsyncDir(dir: string): void {
  const fd = fs.openSync(dir, 'r');
  try {
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
}
