import { createCipheriv, hash, randomBytes } from 'node:crypto';
import { type FileHandle, open, readdir, rename, unlink } from 'node:fs/promises';
import path from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { GENESIS_HASH } from '../journal/schema.ts';
import { CA_CERTIFICATE_FILE, CA_KEY_FILE } from '../pki/ca.ts';
import { SIGNING_KEY_FILE } from '../pki/signing.ts';
import { JOURNAL_COLUMNS } from '../journal/schema.ts';

/**
 * The backup file: one file that is whole, private and self-checking.
 *
 *   header  "EGOVBAK\0", format version (uint16), 12-byte IV            in the clear, authenticated
 *   body    AES-256-GCM over gzip over NDJSON lines                      streamed both ways
 *   footer  GCM tag (16), body length (uint64), "EGOVEND\0"              in the clear
 *
 * The lines: a manifest first, then sections (a header line naming the section and its columns,
 * then one JSON array per row), then a trailer with each section's row count and digest. The end
 * mark tells a cut-short file from an altered one before anything is decrypted; the tag proves
 * the key and every byte; the trailer proves that nothing was lost between the database and the
 * file (the tag alone would bless a writer that skipped a page).
 *
 * A section's digest is the sum, lane by lane (8 × 32 bits), of the SHA-256 of each row line. A
 * sum does not depend on order, so a drill can recompute it from a restored database, which hands
 * rows back in its own order (PostgreSQL and SQLite sort text differently). It guards against
 * accidents, not attackers: the tag does that. The journal's digest is the hash of its last entry:
 * its hash chain already covers every entry, in order.
 *
 * This file writes backups; backup-reader.ts reads and checks them.
 */

export const MAGIC = Buffer.from('EGOVBAK\0', 'latin1');
export const END_MARK = Buffer.from('EGOVEND\0', 'latin1');
export const FORMAT_VERSION = 1;
export const HEADER_BYTES = MAGIC.length + 2 + 12;
export const TAG_BYTES = 16;
export const FOOTER_BYTES = TAG_BYTES + 8 + END_MARK.length;

export const ALTERED = 'the backup does not decrypt with this key, or it was altered';
export const INCOMPLETE = 'the backup is incomplete';

/**
 * Why a backup cannot be used. `input`: the arguments (exit 2); `target`: where to restore is not
 * empty (exit 2); `damaged`: wrong key, altered or unreadable file; `incomplete`: cut short or
 * never finished; `inconsistent`: decrypts, but does not hold what its trailer says.
 */
export class BackupError extends Error {
  constructor(readonly kind: 'input' | 'target' | 'damaged' | 'incomplete' | 'inconsistent', message: string) {
    super(message);
    this.name = 'BackupError';
  }
}

export interface BackupPosition {
  seq: number;
  hash: string;
  epoch: number;
  /** Time of the last entry; null for an empty journal. */
  at: string | null;
}

export interface Manifest {
  format: number;
  created: string;
  /** The node that wrote it (host name, or the standby's id). */
  node: string;
  source: 'sqlite' | 'postgres';
  position: BackupPosition;
  migrations: string[];
}

export interface SectionSummary {
  count: number;
  digest: string;
}

export interface Trailer {
  /** `table:NAME` for each journaled table, `journal`, `files`. */
  sections: Record<string, SectionSummary>;
}

export interface SectionHeader {
  section: string;
  columns: string[];
}

/** The journal section's rows carry its columns in table order. */
export { JOURNAL_COLUMNS };
const JOURNAL_HASH = JOURNAL_COLUMNS.indexOf('hash');
export const FILE_COLUMNS = ['name', 'base64'] as const;

/** The files of the hub's data folder a backup carries: without them a restored hub could not sign, and no gateway would trust it. */
export const hubKeyFiles = [
  { name: CA_KEY_FILE, private: true },
  { name: CA_CERTIFICATE_FILE, private: false },
  { name: SIGNING_KEY_FILE, private: true },
] as const;

const CHUNK_BYTES = 1024 * 1024;

export function checkKey(key: Buffer): void {
  if (!Buffer.isBuffer(key) || key.length !== 32) throw new BackupError('input', 'the backup key must be 32 bytes');
}

/** The order-free digest of a section's row lines; see the file comment. */
export class Digest {
  private readonly lanes = new Uint32Array(8);

  add(line: string): void {
    // Node's types know only the text encodings of hash(); 'buffer' saves decoding hex.
    const h = hash('sha256', line, 'buffer') as unknown as Buffer;
    // Uint32Array wraps on assignment: each lane is a sum modulo 2^32.
    for (let i = 0; i < 8; i++) this.lanes[i] = this.lanes[i]! + h.readUInt32BE(i * 4);
  }

  hex(): string {
    return Array.from(this.lanes, (n) => n.toString(16).padStart(8, '0')).join('');
  }
}

// ---------------------------------------------------------------------------------------------
// Writing

/**
 * Writes a backup under `${file}.partial` and renames it into place only once it is complete and
 * on disk, so a crashed or failed backup never looks like one.
 */
export class BackupWriter {
  private section: { name: string; count: number; digest: Digest | null; chain: string | null } | null = null;
  private readonly sections: Record<string, SectionSummary> = {};
  // Lines are encoded one by one into this chunk: joining them into one string first and
  // encoding that is twenty times slower once the text holds Chinese (V8 two-byte strings).
  private chunk = Buffer.allocUnsafe(CHUNK_BYTES);
  private used = 0;

  private constructor(
    readonly file: string,
    private readonly partial: string,
    private readonly handle: FileHandle,
    private readonly gzip: zlib.Gzip,
    private readonly done: Promise<void>,
    private readonly written: () => number,
  ) {}

  static async create(file: string, key: Buffer): Promise<BackupWriter> {
    checkKey(key);
    const partial = `${file}.partial`;
    const handle = await open(partial, 'wx', 0o600).catch((error: NodeJS.ErrnoException) => {
      throw new BackupError('input', error.code === 'EEXIST' ? `${partial} exists: another backup is being written there, or one crashed (remove it)` : `cannot write ${partial}: ${error.code ?? error.message}`);
    });
    await handle.chmod(0o600);
    const iv = randomBytes(12);
    const header = Buffer.concat([MAGIC, u16(FORMAT_VERSION), iv]);
    const cipher = createCipheriv('aes-256-gcm', key, iv);
    cipher.setAAD(header);
    let bodyBytes = 0;
    const encrypt = new Transform({
      transform(chunk: Buffer, _encoding, callback: TransformCallback) {
        const out = cipher.update(chunk);
        bodyBytes += out.length;
        callback(null, out);
      },
      flush(callback: TransformCallback) {
        const last = cipher.final();
        bodyBytes += last.length;
        this.push(last);
        this.push(Buffer.concat([cipher.getAuthTag(), u64(bodyBytes), END_MARK]));
        callback();
      },
    });
    encrypt.push(header);
    // Level 1: most of a journal is hashes, which do not compress anyway; speed matters more.
    const gzip = zlib.createGzip({ level: 1, chunkSize: 256 * 1024 });
    // flush: the file is fsynced before it is closed, so the rename below never publishes unsynced data.
    const out = handle.createWriteStream({ flush: true, highWaterMark: 1024 * 1024 });
    const done = pipeline(gzip, encrypt, out);
    // Failures surface through finish() or abort(); an early one must not be unhandled meanwhile.
    done.catch(() => {});
    return new BackupWriter(file, partial, handle, gzip, done, () => HEADER_BYTES + bodyBytes + FOOTER_BYTES);
  }

  async manifest(manifest: Manifest): Promise<void> {
    await this.line(JSON.stringify({ manifest }));
  }

  async startSection(name: string, columns: readonly string[]): Promise<void> {
    this.endSection();
    if (Object.hasOwn(this.sections, name)) throw new Error(`section ${name} written twice`);
    const journal = name === 'journal';
    this.section = { name, count: 0, digest: journal ? null : new Digest(), chain: journal ? GENESIS_HASH : null };
    await this.line(JSON.stringify({ section: name, columns }));
  }

  async rows(rows: readonly unknown[][]): Promise<void> {
    const section = this.section!;
    for (const row of rows) {
      const line = JSON.stringify(row);
      section.count += 1;
      section.digest?.add(line);
      if (section.chain) section.chain = row[JOURNAL_HASH] as string;
      await this.line(line);
    }
  }

  /** Writes the trailer, closes the file, syncs it and renames it into place. */
  async finish(): Promise<{ file: string; bytes: number; trailer: Trailer }> {
    this.endSection();
    const trailer: Trailer = { sections: this.sections };
    await this.line(JSON.stringify({ trailer }));
    await this.flush();
    this.gzip.end();
    await this.done;
    await rename(this.partial, this.file);
    await syncFolder(path.dirname(this.file));
    return { file: this.file, bytes: this.written(), trailer };
  }

  async abort(): Promise<void> {
    this.gzip.destroy();
    await this.done.catch(() => {});
    await this.handle.close().catch(() => {});
    await unlink(this.partial).catch(() => {});
  }

  private endSection(): void {
    if (!this.section) return;
    this.sections[this.section.name] = { count: this.section.count, digest: this.section.digest?.hex() ?? this.section.chain! };
    this.section = null;
  }

  private async line(text: string): Promise<void> {
    // Three bytes of UTF-8 at most per UTF-16 unit, and the newline.
    if (this.used + text.length * 3 + 1 > this.chunk.length) {
      await this.flush();
      if (text.length * 3 + 1 > this.chunk.length) {
        await this.write(Buffer.from(`${text}\n`, 'utf8'));
        return;
      }
    }
    this.used += this.chunk.write(text, this.used, 'utf8');
    this.chunk[this.used++] = 10;
  }

  // Chunks go to gzip, which keeps them until compressed: a full one is handed over, never reused.
  private async flush(): Promise<void> {
    if (this.used === 0) return;
    const full = this.chunk.subarray(0, this.used);
    this.chunk = Buffer.allocUnsafe(CHUNK_BYTES);
    this.used = 0;
    await this.write(full);
  }

  // Waiting for 'drain' is the backpressure that keeps memory flat however big the database is.
  private async write(chunk: Buffer): Promise<void> {
    if (!this.gzip.write(chunk)) {
      await new Promise<void>((resolve, reject) => {
        const onError = (error: Error) => { this.gzip.off('drain', onDrain); reject(error); };
        const onDrain = () => { this.gzip.off('error', onError); resolve(); };
        this.gzip.once('drain', onDrain);
        this.gzip.once('error', onError);
      });
    }
  }
}

function u16(n: number): Buffer {
  const b = Buffer.alloc(2);
  b.writeUInt16BE(n);
  return b;
}

function u64(n: number): Buffer {
  const b = Buffer.alloc(8);
  b.writeBigUInt64BE(BigInt(n));
  return b;
}

// Without this a crash right after the rename can lose the new name though its data was synced.
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Names in a backups folder

const BACKUP_NAME = /^backup-(\d+)-(\d{8}T\d{9}Z)\.egovbak$/;

/** `backup-{seq}-{time}.egovbak`, time in UTC to the millisecond, so names sort by time within a seq and never collide in practice. */
export function backupFileName(position: BackupPosition, now = new Date()): string {
  return `backup-${position.seq}-${now.toISOString().replace(/[-:.]/g, '')}.egovbak`;
}

/** The backups this module named in `dir`, newest first. */
export async function listBackups(dir: string): Promise<{ file: string; seq: number; time: string }[]> {
  const names = await readdir(dir).catch((error: NodeJS.ErrnoException) => {
    if (error.code === 'ENOENT') return [] as string[];
    throw error;
  });
  return names.flatMap((name) => {
    const m = BACKUP_NAME.exec(name);
    return m ? [{ file: path.join(dir, name), seq: Number(m[1]), time: m[2]! }] : [];
  }).sort((a, b) => (a.time === b.time ? b.seq - a.seq : a.time < b.time ? 1 : -1));
}

/** The scratch folder of a drill when none is given: next to the backups, on the same disk. */
export function defaultScratchDir(dataDir: string): string {
  return path.join(dataDir, 'backups', '.drills');
}
