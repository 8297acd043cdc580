import { createDecipheriv } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { type FileHandle, open } from 'node:fs/promises';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import zlib from 'node:zlib';
import { entryHash } from '../journal/hash.ts';
import { GENESIS_HASH, type JournalTable } from '../journal/schema.ts';
import {
  ALTERED, BackupError, Digest, END_MARK, FOOTER_BYTES, FORMAT_VERSION, HEADER_BYTES, INCOMPLETE, JOURNAL_COLUMNS, MAGIC, type Manifest,
  type SectionHeader, type SectionSummary, TAG_BYTES, type Trailer, checkKey,
} from './backup-file.ts';

/** Reading a backup (the format is described in backup-file.ts): everything checked on the way. */

const BATCH_ROWS = 1000;
// A line longer than this cannot come from our writer: an altered length would otherwise make the reader buffer without end.
const MAX_LINE_BYTES = 256 * 1024 * 1024;

export interface BackupVisitor {
  /** The manifest, before any row; throwing a BackupError of kind `input` stops at once. */
  manifest?(manifest: Manifest): void | Promise<void>;
  /** Rows of one section, in file order, a batch at a time, after they were checked (journal: chained). */
  rows?(section: SectionHeader, rows: unknown[][]): void | Promise<void>;
}

export interface BackupContents {
  manifest: Manifest;
  trailer: Trailer;
  bytes: number;
}

/**
 * Reads a backup through, checking everything on the way: the end mark, the tag, every section
 * against the trailer, and the journal's hash chain from the genesis to the manifest's position.
 * The visitor sees rows before the tag is checked at the end of the file (the file is too big to
 * hold), so whatever it does must stay undone until this resolves: a restore writes into a
 * transaction or a temporary file.
 *
 * When something goes wrong midway, the rest is still decrypted, only to tell an altered file
 * (the tag fails too) from one that decrypts but does not hold what it says.
 */
export async function readBackup(file: string, key: Buffer, visitor: BackupVisitor = {}): Promise<BackupContents> {
  checkKey(key);
  const { header, bodyBytes, tag } = await readFrame(file);
  const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(MAGIC.length + 2));
  decipher.setAAD(header);
  decipher.setAuthTag(tag);

  const state = new ReadState(visitor);
  let streamFailed = false;
  // A refusal of the visitor (kind `input`) stops everything; the pipeline itself then reports an
  // AbortError, so it is kept here.
  let refusal: unknown = null;
  try {
    await pipeline(
      createReadStream(file, { start: HEADER_BYTES, end: HEADER_BYTES + bodyBytes - 1, highWaterMark: 1024 * 1024 }),
      decipher,
      zlib.createGunzip({ chunkSize: 256 * 1024 }),
      new LineSplitter(),
      async (batches: AsyncIterable<string[]>) => {
        for await (const lines of batches) {
          await state.take(lines).catch((error: unknown) => {
            refusal = error;
            throw error;
          });
        }
      },
    );
  } catch (error) {
    if (refusal) throw refusal;
    streamFailed = true;
  }
  // The tag failed, or gzip found garbage: whatever else went wrong, the file is not what was written.
  if (streamFailed) throw new BackupError('damaged', `${file}: ${ALTERED}`);
  if (state.problem) throw state.problem;
  return { ...state.finish(file), bytes: HEADER_BYTES + bodyBytes + FOOTER_BYTES };
}

/**
 * The manifest alone, decrypted but not yet authenticated (that needs the whole file): enough to
 * refuse a restore early with a useful message, never enough to trust.
 */
export async function peekManifest(file: string, key: Buffer): Promise<Manifest> {
  checkKey(key);
  const { header, bodyBytes, tag } = await readFrame(file);
  const decipher = createDecipheriv('aes-256-gcm', key, header.subarray(MAGIC.length + 2));
  decipher.setAAD(header);
  // A small backup decrypts in one piece, ending with the tag check before any line comes out.
  decipher.setAuthTag(tag);
  let manifest: Manifest | null = null;
  let found = false;
  await pipeline(
    createReadStream(file, { start: HEADER_BYTES, end: HEADER_BYTES + bodyBytes - 1 }),
    decipher,
    zlib.createGunzip(),
    new LineSplitter(),
    async (batches: AsyncIterable<string[]>) => {
      for await (const lines of batches) {
        manifest = (JSON.parse(lines[0]!) as { manifest?: Manifest }).manifest ?? null;
        found = true;
        // Stops reading: the rest is not needed, and the tag at the end is not checked here.
        throw new Error('stop');
      }
    },
  ).catch(() => {
    // Before the manifest, an error is garbage after decryption: the wrong key, or altered.
    if (!found) manifest = null;
  });
  if (!manifest) throw new BackupError('damaged', `${file}: ${ALTERED}`);
  return manifest;
}

async function readFrame(file: string): Promise<{ header: Buffer; bodyBytes: number; tag: Buffer }> {
  let handle: FileHandle;
  try {
    handle = await open(file, 'r');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    throw new BackupError('input', code === 'ENOENT' ? `${file} does not exist` : `cannot read ${file}: ${code ?? (error as Error).message}`);
  }
  try {
    const { size } = await handle.stat();
    const header = Buffer.alloc(HEADER_BYTES);
    await handle.read(header, 0, HEADER_BYTES, 0);
    if (size < MAGIC.length || !header.subarray(0, MAGIC.length).equals(MAGIC)) {
      throw new BackupError('damaged', `${file} is not an egov-cloud backup (it does not start with the backup mark)`);
    }
    const version = header.readUInt16BE(MAGIC.length);
    if (version !== FORMAT_VERSION) {
      throw new BackupError('damaged', `${file} is in backup format ${version}, and this egov reads format ${FORMAT_VERSION}${version > FORMAT_VERSION ? ': restore it with a newer egov' : ''}`);
    }
    const footer = Buffer.alloc(FOOTER_BYTES);
    if (size >= HEADER_BYTES + FOOTER_BYTES) await handle.read(footer, 0, FOOTER_BYTES, size - FOOTER_BYTES);
    if (size < HEADER_BYTES + FOOTER_BYTES || !footer.subarray(TAG_BYTES + 8).equals(END_MARK)) {
      throw new BackupError('incomplete', `${file}: ${INCOMPLETE} (it does not end with the end mark: the backup was interrupted, or the file was cut short in a copy)`);
    }
    const bodyBytes = size - HEADER_BYTES - FOOTER_BYTES;
    if (Number(footer.readBigUInt64BE(TAG_BYTES)) !== bodyBytes) throw new BackupError('damaged', `${file}: ${ALTERED} (its length does not match)`);
    return { header, bodyBytes, tag: footer.subarray(0, TAG_BYTES) };
  } finally {
    await handle.close();
  }
}

/** Splits the plaintext into lines, a chunk's worth at a time (one array per chunk, not one object per line). */
class LineSplitter extends Transform {
  private rest: Buffer | null = null;

  constructor() {
    super({ readableObjectMode: true, readableHighWaterMark: 4 });
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    const buffer = this.rest ? Buffer.concat([this.rest, chunk]) : chunk;
    const lines: string[] = [];
    let start = 0;
    for (let end = buffer.indexOf(10, start); end >= 0; end = buffer.indexOf(10, start)) {
      lines.push(buffer.toString('utf8', start, end));
      start = end + 1;
    }
    this.rest = start < buffer.length ? buffer.subarray(start) : null;
    if (this.rest && this.rest.length > MAX_LINE_BYTES) {
      callback(new Error('line too long'));
      return;
    }
    callback(null, lines.length > 0 ? lines : undefined);
  }

  override _flush(callback: TransformCallback): void {
    callback(null, this.rest ? [this.rest.toString('utf8')] : undefined);
  }
}

/** An error of the visitor (the database it writes to), kept as it is rather than blamed on the file. */
class VisitorFailure {
  constructor(readonly error: unknown) {}
}

async function visiting(work: () => void | Promise<void>): Promise<void> {
  try {
    await work();
  } catch (error) {
    if (error instanceof BackupError && error.kind === 'input') throw error;
    throw new VisitorFailure(error);
  }
}

/** What the reader has seen so far, and the checks on it. */
class ReadState {
  manifest: Manifest | null = null;
  trailer: Trailer | null = null;
  /** The first thing found wrong; reading goes on only to check the tag. */
  problem: Error | null = null;
  private section: (SectionHeader & { count: number; digest: Digest | null; batch: unknown[][] }) | null = null;
  private readonly seen: Record<string, SectionSummary> = {};
  private line = 0;
  private journal = { seq: 0, hash: GENESIS_HASH };

  constructor(private readonly visitor: BackupVisitor) {}

  async take(lines: string[]): Promise<void> {
    if (this.problem) return;
    try {
      for (const text of lines) {
        this.line += 1;
        if (this.trailer) throw this.inconsistent('it has lines after its trailer');
        if (text.charCodeAt(0) === 91 /* [ */) {
          if (!this.section) throw this.inconsistent(`line ${this.line} is a row outside any section`);
          const row = JSON.parse(text) as unknown[];
          if (!Array.isArray(row) || row.length !== this.section.columns.length) throw this.inconsistent(`line ${this.line} does not have the section's ${this.section.columns.length} columns`);
          this.section.count += 1;
          if (this.section.digest) this.section.digest.add(text);
          else this.chain(row);
          this.section.batch.push(row);
          if (this.section.batch.length >= BATCH_ROWS) await this.flushRows();
          continue;
        }
        const message = JSON.parse(text) as { manifest?: Manifest; section?: string; columns?: string[]; trailer?: Trailer };
        if (this.line === 1) {
          if (!message.manifest?.position || !Array.isArray(message.manifest.migrations)) throw this.inconsistent('it does not start with a manifest');
          const manifest = message.manifest;
          this.manifest = manifest;
          await visiting(() => this.visitor.manifest?.(manifest));
        } else if (typeof message.section === 'string' && Array.isArray(message.columns)) {
          await this.endSection();
          if (Object.hasOwn(this.seen, message.section)) throw this.inconsistent(`section ${message.section} appears twice`);
          if (message.section === 'journal' && message.columns.join() !== JOURNAL_COLUMNS.join()) throw this.inconsistent('its journal section has unexpected columns');
          this.section = { section: message.section, columns: message.columns, count: 0, digest: message.section === 'journal' ? null : new Digest(), batch: [] };
        } else if (message.trailer?.sections) {
          await this.endSection();
          this.trailer = message.trailer;
        } else {
          throw this.inconsistent(`line ${this.line} is neither a row, a section nor the trailer`);
        }
      }
    } catch (error) {
      if (error instanceof BackupError && error.kind === 'input') throw error;
      if (error instanceof VisitorFailure) this.problem = error.error instanceof Error ? error.error : new Error(String(error.error));
      else this.problem = error instanceof BackupError ? error : this.inconsistent(`line ${this.line} cannot be read (${(error as Error).message})`);
    }
  }

  /** Checks what only the end can tell; returns what the backup holds. */
  finish(file: string): Omit<BackupContents, 'bytes'> {
    if (!this.manifest || !this.trailer) throw new BackupError('incomplete', `${file}: ${INCOMPLETE} (it has no trailer: the writer stopped before the end)`);
    const expected = this.trailer.sections;
    for (const name of new Set([...Object.keys(expected), ...Object.keys(this.seen)])) {
      const want = expected[name];
      const got = this.seen[name];
      if (!want || !got) throw this.inconsistent(`section ${name} is ${want ? 'missing' : 'not in the trailer'}`, file);
      if (want.count !== got.count) throw this.inconsistent(`section ${name} has ${got.count} rows, its trailer says ${want.count}`, file);
      if (want.digest !== got.digest) throw this.inconsistent(`the rows of section ${name} do not match the trailer's checksum`, file);
    }
    if (!expected.journal) throw this.inconsistent('it holds no journal', file);
    const position = this.manifest.position;
    if (this.journal.seq !== position.seq || this.journal.hash !== position.hash) {
      throw this.inconsistent(`its journal ends at entry ${this.journal.seq}, its manifest says ${position.seq}`, file);
    }
    return { manifest: this.manifest, trailer: this.trailer };
  }

  private chain(row: unknown[]): void {
    const [seq, at, epoch, actor, department, requestId, entity, entityKey, op, rowAfter, prevHash, hash] = row as [number, string, number, string, string | null, string | null, string, string, JournalTable['op'], string | null, string, string];
    if (seq !== this.journal.seq + 1) throw this.inconsistent(`its journal jumps from entry ${this.journal.seq} to ${seq}`);
    if (prevHash !== this.journal.hash) throw this.inconsistent(`journal entry ${seq} does not link to the entry before it`);
    const unsigned = { seq, at, epoch, actor, department, request_id: requestId, entity, entity_key: entityKey, op, row_after: rowAfter, prev_hash: prevHash };
    if (entryHash(unsigned) !== hash) throw this.inconsistent(`journal entry ${seq} does not match its hash`);
    this.journal = { seq, hash };
  }

  private async flushRows(): Promise<void> {
    const section = this.section!;
    const batch = section.batch;
    section.batch = [];
    if (batch.length > 0) await visiting(() => this.visitor.rows?.({ section: section.section, columns: section.columns }, batch));
  }

  private async endSection(): Promise<void> {
    if (!this.section) return;
    await this.flushRows();
    this.seen[this.section.section] = { count: this.section.count, digest: this.section.digest?.hex() ?? this.journal.hash };
    this.section = null;
  }

  private inconsistent(problem: string, file?: string): BackupError {
    return new BackupError('inconsistent', `${file ? `${file}: ` : ''}the backup decrypts but is not consistent: ${problem}`);
  }
}
