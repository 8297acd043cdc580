/**
 * The reference backends of the population and enterprise registries: what a department's own
 * system looks like behind its security gateway. They read nothing of the caller's identity (the
 * gateway in front decides who may ask what, and drops the items an agreement does not cover)
 * and they sit on the hot path of every exchange, so a lookup is one prepared statement and the
 * stored JSON goes out as it is, without parsing or serialising.
 */
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply } from 'fastify';
import { usccProblem } from '../registry/uscc.ts';
import { citizenIdProblem } from './citizen-id.ts';
import { openRegistryFile, type RegistryMeta } from './generate.ts';
import { openApiDocument, registries, type Registry, type VerificationResult } from './records.ts';

export interface BasedataServerOptions {
  registry: Registry;
  file: string;
  host?: string;
  /** 0 (the default) picks a free port. */
  port?: number;
  /** Where failures of the backend itself are reported (default: standard error). */
  logError?: (message: string) => void;
}

export interface RunningBasedataServer {
  url: string;
  meta: RegistryMeta;
  close(): Promise<void>;
}

type ErrorCode = 'invalid_input' | 'not_found' | 'unsupported_media_type' | 'payload_too_large' | 'internal_error';

const JSON_TYPE = 'application/json; charset=utf-8';
const MAX_NAME = 64;

function fail(reply: FastifyReply, status: number, code: ErrorCode, message: string): FastifyReply {
  return reply.code(status).type(JSON_TYPE).send({ code, message });
}

/** A value from a caller, shortened for an error message. */
const quoted = (value: string): string => JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value);

/** Today in China (UTC+8), where the cards are issued and expire. */
const chinaToday = (): string => new Date(Date.now() + 8 * 3_600_000).toISOString().slice(0, 10);

/** A lower-case x typed for the check character is a common slip, not a different number. */
const normaliseId = (id: string): string => (id.length === 18 && id.endsWith('x') ? `${id.slice(0, 17)}X` : id);

/** Names compare without surrounding spaces and with the middle dot of minority names written one way. */
const normaliseName = (name: string): string => name.trim().replace(/[•・.．]/g, '·');

export async function startBasedataServer(options: BasedataServerOptions): Promise<RunningBasedataServer> {
  if (!registries.includes(options.registry)) throw new RangeError(`unknown registry "${options.registry}": use ${registries.join(' or ')}`);
  const { db, meta } = openRegistryFile(options.file, options.registry);
  const logError = options.logError ?? ((message: string) => process.stderr.write(`${message}\n`));
  let app: FastifyInstance | undefined;
  try {
    // Read-only and memory-mapped: lookups are the only work, and the OS page cache is the cache.
    db.pragma('query_only = ON');
    db.pragma('mmap_size = 4294967296');
    db.pragma('cache_size = -65536');

    app = Fastify({ logger: false, bodyLimit: 16 * 1024, routerOptions: { ignoreTrailingSlash: true } });
    const openapi = JSON.stringify(openApiDocument(options.registry));
    const health = JSON.stringify({ status: 'ok', registry: meta.registry, records: meta.count, seed: meta.seed, generator: meta.generator, asOf: meta.asOf });

    app.setErrorHandler((error: FastifyError, request, reply) => {
      const status = error.statusCode && error.statusCode >= 400 && error.statusCode < 500 ? error.statusCode : 500;
      if (status === 500) {
        logError(`basedata ${meta.registry}: ${request.method} ${request.url.split('?')[0]} failed: ${error.stack ?? error.message}`);
        return fail(reply, 500, 'internal_error', 'the registry backend failed; the failure is logged on the backend');
      }
      const code: ErrorCode = status === 415 ? 'unsupported_media_type' : status === 413 ? 'payload_too_large' : status === 404 ? 'not_found' : 'invalid_input';
      return fail(reply, status, code, status === 415 ? 'send the request body as application/json' : error.message);
    });
    const served = options.registry === 'population'
      ? 'GET /persons/{idNumber}, POST or GET /verifications'
      : 'GET /enterprises/{uscc}';
    app.setNotFoundHandler((request, reply) =>
      fail(reply, 404, 'not_found', `there is nothing at ${request.method} ${request.url.split('?')[0]}; this backend serves ${served}, GET /openapi.json and GET /healthz`));

    app.get('/openapi.json', (_request, reply) => reply.type(JSON_TYPE).send(openapi));
    app.get('/healthz', (_request, reply) => reply.type(JSON_TYPE).send(health));

    if (options.registry === 'population') {
      const personById = db.prepare('SELECT record FROM persons WHERE id_number = ?').pluck();
      const cardById = db.prepare('SELECT name, in_force, has_card, card_valid_until FROM persons WHERE id_number = ?');

      app.get<{ Params: { idNumber: string } }>('/persons/:idNumber', (request, reply) => {
        const id = normaliseId(request.params.idNumber);
        const problem = citizenIdProblem(id);
        if (problem) return fail(reply, 400, 'invalid_input', `${quoted(id)} is not a valid citizen ID number: ${problem}`);
        const record = personById.get(id) as string | undefined;
        if (record === undefined) return fail(reply, 404, 'not_found', 'no person is registered under this citizen ID number');
        return reply.type(JSON_TYPE).send(record);
      });

      const verify = (reply: FastifyReply, input: unknown): FastifyReply => {
        if (typeof input === 'string') return fail(reply, 415, 'unsupported_media_type', 'send the request body as application/json');
        if (input === null || typeof input !== 'object' || Array.isArray(input)) {
          return fail(reply, 400, 'invalid_input', 'send {"idNumber": "…", "name": "…"}');
        }
        const { idNumber, name } = input as Record<string, unknown>;
        if (typeof idNumber !== 'string') return fail(reply, 400, 'invalid_input', 'idNumber is missing: give the citizen ID number to verify');
        if (typeof name !== 'string' || normaliseName(name) === '') return fail(reply, 400, 'invalid_input', 'name is missing: give the name to verify against the number');
        if (name.length > MAX_NAME) return fail(reply, 400, 'invalid_input', `name has ${name.length} characters; no registered name is longer than ${MAX_NAME}`);
        const id = normaliseId(idNumber);
        const problem = citizenIdProblem(id);
        if (problem) return fail(reply, 400, 'invalid_input', `idNumber ${quoted(id)} is not a valid citizen ID number: ${problem}`);
        const row = cardById.get(id) as { name: string; in_force: number; has_card: number; card_valid_until: string | null } | undefined;
        // An unknown number is simply not consistent: the answer must not tell numbers that exist from numbers that do not.
        const consistent = row !== undefined && row.name === normaliseName(name);
        const card = consistent && row.in_force === 1 && row.has_card === 1;
        const result: VerificationResult = {
          idNumber: id,
          name,
          consistent,
          cardValid: card && (row.card_valid_until === null || row.card_valid_until >= chinaToday()),
          cardValidUntil: card ? row.card_valid_until : null,
        };
        return reply.type(JSON_TYPE).send(JSON.stringify(result));
      };
      app.post('/verifications', (request, reply) => verify(reply, request.body));
      app.get('/verifications', (request, reply) => verify(reply, request.query));
    } else {
      const enterpriseByUscc = db.prepare('SELECT record FROM enterprises WHERE uscc = ?').pluck();
      app.get<{ Params: { uscc: string } }>('/enterprises/:uscc', (request, reply) => {
        const uscc = request.params.uscc.toUpperCase();
        const problem = usccProblem(uscc);
        if (problem) return fail(reply, 400, 'invalid_input', `${quoted(uscc)} is not a valid unified social credit code: ${problem}`);
        const record = enterpriseByUscc.get(uscc) as string | undefined;
        if (record === undefined) return fail(reply, 404, 'not_found', 'no enterprise is registered under this unified social credit code');
        return reply.type(JSON_TYPE).send(record);
      });
    }

    const host = options.host ?? '127.0.0.1';
    await app.listen({ host, port: options.port ?? 0 });
    const address = app.server.address();
    const port = typeof address === 'object' && address ? address.port : options.port ?? 0;
    const urlHost = host.includes(':') ? `[${host}]` : host === '0.0.0.0' ? '127.0.0.1' : host;
    const running = app;
    let closed = false;
    return {
      url: `http://${urlHost}:${port}`,
      meta,
      async close() {
        if (closed) return;
        closed = true;
        try {
          await running.close();
        } finally {
          db.close();
        }
      },
    };
  } catch (error) {
    await app?.close();
    db.close();
    throw error;
  }
}
