/**
 * `egov basedata generate` and `egov basedata serve`: parse the flags (plain strings, as the
 * command line gives them), call generate.ts or server.ts, and report on standard error.
 */
import { DEFAULT_COUNTS, DEFAULT_SEED, MAX_COUNTS, generateRegistry, type GenerateResult } from './generate.ts';
import { registries, type Registry } from './records.ts';
import { startBasedataServer, type RunningBasedataServer } from './server.ts';

/** A flag with a value that cannot be used; the message says which and what would do. */
export class BasedataOptionError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'BasedataOptionError';
  }
}

type Flags = Record<string, string | number | undefined>;

export interface GenerateFlags extends Flags { registry?: string; count?: string | number; seed?: string | number; out?: string }
export interface ServeFlags extends Flags { registry?: string; file?: string; host?: string; port?: string | number }

const RECORDS: Record<Registry, string> = { population: 'persons', enterprises: 'enterprises' };
const number = (n: number): string => n.toLocaleString('en-US', { maximumFractionDigits: 0 });

function registryFlag(value: unknown): Registry {
  if (value === undefined || value === '') throw new BasedataOptionError(`--registry is required: ${registries.join(' or ')}`);
  if (!registries.includes(value as Registry)) throw new BasedataOptionError(`--registry must be ${registries.join(' or ')}, not "${String(value)}"`);
  return value as Registry;
}

/** A whole number flag; `1_000_000` and `1,000,000` are accepted for readability. */
function wholeNumberFlag(flag: string, value: string | number | undefined, min: number, max: number, example: string): number | undefined {
  if (value === undefined || value === '') return undefined;
  const text = String(value).trim().replace(/[_,]/g, '');
  const n = /^\d+$/.test(text) ? Number(text) : Number.NaN;
  if (!Number.isSafeInteger(n) || n < min || n > max) {
    throw new BasedataOptionError(`${flag} must be a whole number from ${number(min)} to ${number(max)} (such as ${example}), not "${String(value)}"`);
  }
  return n;
}

function requiredText(flag: string, value: unknown, hint: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new BasedataOptionError(`${flag} is required: ${hint}`);
  return value;
}

/** `egov basedata generate`: writes the file and reports progress and the rate on standard error. */
export async function generateCommand(flags: GenerateFlags, stderr: NodeJS.WritableStream = process.stderr): Promise<GenerateResult> {
  const registry = registryFlag(flags.registry);
  const count = wholeNumberFlag('--count', flags.count, 1, MAX_COUNTS[registry], String(DEFAULT_COUNTS[registry]));
  const seed = wholeNumberFlag('--seed', flags.seed, 0, 0xffff_ffff, String(DEFAULT_SEED));
  const out = requiredText('--out', flags.out, `the SQLite file to write, such as data/basedata/${registry}.sqlite`);
  const total = count ?? DEFAULT_COUNTS[registry];
  const what = RECORDS[registry];
  const started = performance.now();
  let reported = 0;
  stderr.write(`generating ${number(total)} ${what} with seed ${seed ?? DEFAULT_SEED} into ${out}\n`);
  let result: GenerateResult;
  try {
    result = generateRegistry({
      registry, out, ...(count !== undefined && { count }), ...(seed !== undefined && { seed }),
      onProgress: (done, all) => {
        // About every 10%, so a log of a long run stays readable.
        if (done < all && done - reported < all / 10) return;
        reported = done;
        const seconds = (performance.now() - started) / 1000;
        stderr.write(`  ${number(done)} / ${number(all)} ${what} (${Math.round((100 * done) / all)}%), ${number(done / seconds)}/s\n`);
      },
    });
  } catch (error) {
    if (error instanceof RangeError) throw new BasedataOptionError(error.message);
    throw error;
  }
  stderr.write(`wrote ${number(result.count)} ${what} to ${result.file} in ${result.seconds.toFixed(1)} s (${number(result.rate)} records/s, index included)\n`);
  return result;
}

/** `egov basedata serve`: serves the file until close() is called (the caller handles signals). */
export async function serveCommand(flags: ServeFlags, stderr: NodeJS.WritableStream = process.stderr): Promise<RunningBasedataServer> {
  const registry = registryFlag(flags.registry);
  const file = requiredText('--file', flags.file, `a file from: egov basedata generate --registry ${registry} --out FILE`);
  const port = wholeNumberFlag('--port', flags.port, 0, 65_535, '9101') ?? 0;
  const host = flags.host === undefined || flags.host === '' ? '127.0.0.1' : String(flags.host);
  let running: RunningBasedataServer;
  try {
    running = await startBasedataServer({ registry, file, host, port });
  } catch (error) {
    if (error instanceof RangeError) throw new BasedataOptionError(error.message);
    if ((error as NodeJS.ErrnoException).code === 'EADDRINUSE') throw new BasedataOptionError(`port ${port} on ${host} is in use; choose another with --port`);
    throw error;
  }
  const paths = registry === 'population' ? '/persons/{idNumber}, /verifications' : '/enterprises/{uscc}';
  stderr.write(`${registry} registry: ${number(running.meta.count)} ${RECORDS[registry]} (seed ${running.meta.seed}) at ${running.url} — ${paths}, /openapi.json, /healthz\n`);
  return running;
}

/** Both subcommands behind one entry point, for callers that dispatch on the subcommand name. */
export async function basedataCommand(subcommand: 'generate', flags: GenerateFlags): Promise<GenerateResult>;
export async function basedataCommand(subcommand: 'serve', flags: ServeFlags): Promise<RunningBasedataServer>;
export async function basedataCommand(subcommand: string, flags: Flags): Promise<GenerateResult | RunningBasedataServer>;
export async function basedataCommand(subcommand: string, flags: Flags): Promise<GenerateResult | RunningBasedataServer> {
  if (subcommand === 'generate') return generateCommand(flags);
  if (subcommand === 'serve') return serveCommand(flags);
  throw new BasedataOptionError(`unknown basedata command "${subcommand}": use generate or serve`);
}
