import https from 'node:https';
import type { Logger } from 'pino';
import { DomainError } from '../platform/errors.ts';

/**
 * What keeps a former hub from taking writes after its standby was promoted (split brain): it
 * asks the addresses of its enrolled standbys, now and then, which epoch they serve. A promoted
 * standby answers with a higher epoch than the hub's own; from then on the hub refuses every
 * write with a message naming the new hub, until it is turned into a standby of it
 * (`egov standby --rejoin`). The answer comes over TLS from a certificate of the hub's own CA.
 */
export interface Successor {
  epoch: number;
  exchangeUrl: string;
  seq: number;
  learnedAt: string;
}

const SAFE_METHODS = new Set(['GET', 'HEAD', 'OPTIONS']);

export class Fence {
  successor: Successor | null = null;

  /** Throws for a write once a successor is known. */
  check(method: string): void {
    if (!SAFE_METHODS.has(method)) this.refuseIfSuperseded();
  }

  /** Throws once a successor is known: for what must not be served from an old epoch at all (the gateways' configuration). */
  refuseIfSuperseded(): void {
    if (!this.successor) return;
    throw new DomainError('superseded', `this hub was superseded: a promoted standby serves epoch ${this.successor.epoch} at ${this.successor.exchangeUrl} since ${this.successor.learnedAt}. It accepts no writes; make it a standby of the new hub with egov standby --rejoin`);
  }
}

export interface WatchOptions {
  fence: Fence;
  caPem: string;
  /** The epoch of this hub's journal head. */
  ownEpoch(): Promise<number>;
  /** The exchange addresses of this hub's enrolled standbys. */
  standbyAddresses(): Promise<string[]>;
  logger: Pick<Logger, 'fatal'>;
  everyMs?: number;
}

/** Checks at once and then every `everyMs` (5 s); returns the function that stops it. */
export function watchForSuccessor(options: WatchOptions): { stop(): void; checked: Promise<void> } {
  let stopped = false;
  async function check(): Promise<void> {
    if (options.fence.successor) return;
    const [own, addresses] = await Promise.all([options.ownEpoch(), options.standbyAddresses()]);
    for (const address of addresses) {
      const answer = await epochAt(address, options.caPem).catch(() => null);
      if (answer && answer.epoch > own && !stopped) {
        options.fence.successor = { ...answer, learnedAt: new Date().toISOString() };
        options.logger.fatal({ alert: 'hub-superseded', ownEpoch: own, successor: options.fence.successor },
          `ALERT: this hub (epoch ${own}) was superseded by ${answer.exchangeUrl} (epoch ${answer.epoch}); it refuses writes from now on`);
        return;
      }
    }
  }
  const checked = check().catch(() => {});
  const timer = setInterval(() => { void check().catch(() => {}); }, options.everyMs ?? 5000);
  timer.unref();
  return { stop() { stopped = true; clearInterval(timer); }, checked };
}

/** What a node serving the exchange API at `address` says its epoch is (null when it does not answer as a hub). */
export function epochAt(address: string, caPem: string, timeoutMs = 2000): Promise<{ epoch: number; exchangeUrl: string; seq: number } | null> {
  return new Promise((resolve) => {
    const request = https.get(new URL('/gw/v1/epoch', address), { ca: caPem, timeout: timeoutMs, agent: false }, (response) => {
      let body = '';
      response.setEncoding('utf8');
      response.on('data', (chunk: string) => { if ((body += chunk).length > 10_000) request.destroy(); });
      response.on('end', () => {
        try {
          const parsed = JSON.parse(body) as { epoch?: unknown; exchangeUrl?: unknown; seq?: unknown };
          resolve(response.statusCode === 200 && Number.isInteger(parsed.epoch) && typeof parsed.exchangeUrl === 'string' && Number.isInteger(parsed.seq)
            ? { epoch: parsed.epoch as number, exchangeUrl: parsed.exchangeUrl, seq: parsed.seq as number } : null);
        } catch {
          resolve(null);
        }
      });
    });
    request.on('timeout', () => request.destroy());
    request.on('error', () => resolve(null));
  });
}
