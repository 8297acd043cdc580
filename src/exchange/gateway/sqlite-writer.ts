import { Worker } from 'node:worker_threads';
import type { CertificateRow, MessageLogRow, OperationRow } from './log-tables.ts';

/**
 * Appends on SQLite go to a worker thread with its own connection (log-writer.mjs): one batch at a
 * time, so the chain is stored in the order it was computed.
 */
export class SqliteWriter {
  readonly #worker: Worker;
  readonly #waiting = new Map<number, { resolve: () => void; reject: (error: Error) => void }>();
  #next = 0;
  #closing: Promise<void> | null = null;
  #exited = false;

  constructor(file: string, sync: 'full' | 'normal') {
    this.#worker = new Worker(new URL('./log-writer.mjs', import.meta.url), { workerData: { file, sync } });
    this.#worker.on('message', (message: { id?: number; error?: string; closed?: boolean }) => {
      if (message.id === undefined) return;
      const waiting = this.#waiting.get(message.id);
      this.#waiting.delete(message.id);
      if (message.error) waiting?.reject(new Error(`the message log could not be written: ${message.error}`));
      else waiting?.resolve();
    });
    this.#worker.on('error', (error) => this.#failAll(error));
    this.#worker.on('exit', () => {
      this.#exited = true;
      this.#failAll(new Error('the message log writer stopped'));
    });
  }

  write(batch: { rows: MessageLogRow[]; operations: OperationRow[]; certificates: CertificateRow[] }): Promise<void> {
    if (this.#exited) return Promise.reject(new Error('the message log writer stopped'));
    const id = this.#next++;
    return new Promise((resolve, reject) => {
      this.#waiting.set(id, { resolve, reject });
      this.#worker.postMessage({ id, ...batch });
    });
  }

  close(): Promise<void> {
    if (this.#exited) return Promise.resolve();
    this.#closing ??= new Promise<void>((resolve) => {
      this.#worker.once('exit', () => resolve());
      this.#worker.once('message', () => void this.#worker.terminate());
      this.#worker.postMessage({ close: true });
    });
    return this.#closing;
  }

  #failAll(error: Error): void {
    for (const waiting of this.#waiting.values()) waiting.reject(error);
    this.#waiting.clear();
  }
}
