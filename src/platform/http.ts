import { randomUUID } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyReply, type FastifyRequest, LogController } from 'fastify';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import { DomainError, type ErrorCode, errorCodes, httpStatusOf } from './errors.ts';

/**
 * The HTTP edge every role shares: request ids, JSON logs, security headers, body limits, and
 * the one place where errors become responses. A client's mistake is a 4xx with
 * `{code, message, detail}`; only our own faults are 500s.
 */
export interface HttpOptions {
  logLevel: string;
  bodyLimit: number;
  /** Send Strict-Transport-Security (when served over https). */
  https: boolean;
  /** Renders an error for a person (HTML); JSON is used when this is absent or the client wants JSON. */
  renderErrorPage?: (request: FastifyRequest, status: number, code: ErrorCode | 'internal_error', message: string) => string;
  /** Logs go here instead of stdout (tests pass a stream or 'silent' level). */
  logStream?: NodeJS.WritableStream;
  /** Serve TLS directly (the hub's mutual-TLS listener for gateways). */
  tls?: import('node:https').ServerOptions;
}

export type HttpApp = FastifyInstance<any, any, any, any, TypeBoxTypeProvider>;

export interface ErrorBody {
  code: ErrorCode | 'internal_error';
  message: string;
  detail?: unknown;
}

const BODY_METHODS = new Set(['POST', 'PUT', 'PATCH']);
const REQUEST_ID = /^[A-Za-z0-9._-]{1,64}$/;

const CONTENT_SECURITY_POLICY = [
  "default-src 'self'", "img-src 'self' data:", "style-src 'self'", "script-src 'self'",
  "frame-ancestors 'none'", "form-action 'self'", "base-uri 'self'", "object-src 'none'",
].join('; ');

/**
 * One line per request, written when it is answered, with what an operator looks for: method,
 * path, status, time taken and the client's address. Fastify writes two (one on arrival), and
 * formatting and writing log lines was 8% of a busy hub's CPU. The query is left out: it holds
 * people's searches and, at sign-out, an ID token. A request whose client gives up before the
 * answer gets its own line (the onRequestAbort hook); one still being handled has none yet.
 */
class AccessLog extends LogController {
  override incomingRequest(): void {}

  override requestCompleted(error: Error | null | undefined, request: FastifyRequest, reply: FastifyReply): void {
    if (this.isLogDisabled(request)) return;
    const line = { ...accessLine(request), status: reply.statusCode, ms: Math.round(reply.elapsedTime * 10) / 10 };
    if (error) reply.log.error({ ...line, err: error }, 'request errored');
    else reply.log.info(line, 'request');
  }
}

function accessLine(request: FastifyRequest) {
  return { method: request.method, path: request.originalUrl.split('?')[0], ip: request.ip };
}

export function createHttpApp(options: HttpOptions): HttpApp {
  const app = Fastify({
    ...(options.tls && { https: options.tls }),
    logger: {
      level: options.logLevel,
      ...(options.logStream && { stream: options.logStream }),
      redact: ['req.headers.authorization', 'req.headers.cookie', 'res.headers["set-cookie"]'],
    },
    logController: new AccessLog(),
    bodyLimit: options.bodyLimit,
    genReqId: (req) => {
      const given = req.headers['x-request-id'];
      return typeof given === 'string' && REQUEST_ID.test(given) ? given : randomUUID();
    },
    // Unknown properties are refused, not silently dropped: a typo in a field name is an error the caller must see.
    ajv: { customOptions: { removeAdditional: false, coerceTypes: 'array', useDefaults: true, allErrors: false } },
    trustProxy: false,
    routerOptions: { ignoreTrailingSlash: true },
  }).withTypeProvider<TypeBoxTypeProvider>();

  app.addHook('onRequest', async (request, reply) => {
    reply.header('x-request-id', request.id);
    // The JSON API takes JSON only; a form or text body there is a client mistake worth naming.
    if (request.url.startsWith('/api/') && BODY_METHODS.has(request.method) && request.headers['content-length'] !== '0') {
      const type = request.headers['content-type'] ?? '';
      if (!/^application\/json\b/i.test(type) && (request.headers['content-length'] || request.headers['transfer-encoding'])) {
        throw new DomainError('unsupported_media_type', `content type ${type || '(none)'} is not accepted here; send application/json`);
      }
    }
  });

  app.addHook('onRequestAbort', async (request) => {
    request.log.info(accessLine(request), 'request abandoned by the client');
  });

  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    reply.header('x-frame-options', 'DENY');
    reply.header('cross-origin-opener-policy', 'same-origin');
    reply.header('permissions-policy', 'camera=(), microphone=(), geolocation=()');
    if (!reply.hasHeader('content-security-policy')) reply.header('content-security-policy', CONTENT_SECURITY_POLICY);
    if (options.https) reply.header('strict-transport-security', 'max-age=31536000; includeSubDomains');
    return payload;
  });

  app.setErrorHandler((error: FastifyError | DomainError, request, reply) => {
    const body = errorBodyOf(error, request);
    const status = body.code === 'internal_error' ? 500 : httpStatusOf(body.code);
    if (status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: body.code, message: body.message }, 'request refused');
    return sendError(request, reply, status, body, options);
  });

  app.setNotFoundHandler((request, reply) => {
    const body: ErrorBody = { code: 'not_found', message: `there is nothing at ${request.method} ${request.url.split('?')[0]}` };
    return sendError(request, reply, 404, body, options);
  });

  return app;
}

function sendError(request: FastifyRequest, reply: FastifyReply, status: number, body: ErrorBody, options: HttpOptions) {
  reply.status(status);
  if (options.renderErrorPage && wantsHtml(request)) {
    return reply.type('text/html; charset=utf-8').send(options.renderErrorPage(request, status, body.code, body.message));
  }
  return reply.type('application/json; charset=utf-8').send(body);
}

/** A person's browser asking for a page, rather than an API client. */
export function wantsHtml(request: FastifyRequest): boolean {
  const path = request.url;
  if (path.startsWith('/api/') || path.startsWith('/oidc/') || path === '/healthz' || path === '/metrics') return false;
  return (request.headers.accept ?? '').includes('text/html');
}

function errorBodyOf(error: FastifyError | DomainError, request: FastifyRequest): ErrorBody {
  if (error instanceof DomainError) {
    return { code: error.code, message: error.message, ...(error.detail !== undefined && { detail: error.detail }) };
  }
  const fastifyError = error as FastifyError;
  if (fastifyError.validation) {
    const where = fastifyError.validationContext ?? 'body';
    const first = fastifyError.validation[0];
    const field = first ? `${where}${first.instancePath.replaceAll('/', '.')}` : where;
    const params = first?.params as { additionalProperty?: string } | undefined;
    const message = params?.additionalProperty
      ? `${field}: "${params.additionalProperty}" is not a field this accepts`
      : `${field} ${first?.message ?? 'is not valid'}`;
    return { code: 'invalid_input', message, detail: fastifyError.validation.map((v) => ({ path: `${where}${v.instancePath}`, message: v.message, params: v.params })) };
  }
  switch (fastifyError.code) {
    case 'FST_ERR_CTP_BODY_TOO_LARGE':
      return { code: 'payload_too_large', message: `the request body is larger than the ${request.routeOptions.bodyLimit ?? ''} bytes this accepts` };
    case 'FST_ERR_CTP_INVALID_MEDIA_TYPE':
      return { code: 'unsupported_media_type', message: `content type ${request.headers['content-type'] ?? '(none)'} is not accepted here; send application/json` };
    case 'FST_ERR_CTP_EMPTY_JSON_BODY':
      return { code: 'invalid_input', message: 'the body is empty; send a JSON object' };
    case 'FST_ERR_CTP_INVALID_JSON_BODY':
      return { code: 'invalid_input', message: `the body is not valid JSON: ${fastifyError.message}` };
  }
  const status = fastifyError.statusCode ?? 500;
  if (status === 429) return { code: 'too_many_requests', message: fastifyError.message };
  if (status >= 400 && status < 500) {
    const code = (Object.entries(errorCodes).find(([, s]) => s === status)?.[0] ?? 'invalid_input') as ErrorCode;
    return { code, message: fastifyError.message };
  }
  return { code: 'internal_error', message: `something went wrong on our side; quote request id ${request.id} to the operators` };
}

/** Prometheus metrics of an HTTP app: request counts and durations by route and status. */
export function instrument(app: HttpApp, role: string): Registry {
  const registry = new Registry();
  registry.setDefaultLabels({ role });
  collectDefaultMetrics({ register: registry });
  const requests = new Counter({ name: 'egov_http_requests_total', help: 'HTTP requests served', labelNames: ['method', 'route', 'status'], registers: [registry] });
  const duration = new Histogram({
    name: 'egov_http_request_duration_seconds', help: 'time to serve an HTTP request', labelNames: ['method', 'route'],
    buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5], registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    const route = request.routeOptions.url ?? 'unmatched';
    requests.inc({ method: request.method, route, status: String(reply.statusCode) });
    duration.observe({ method: request.method, route }, reply.elapsedTime / 1000);
  });
  return registry;
}
