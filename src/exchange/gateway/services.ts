import { readFileSync } from 'node:fs';
import { type Static, Type } from 'typebox';
import { Value } from 'typebox/value';
import { maskJsonValue, maskKindFor } from '../../platform/masking.ts';
import type { GlobalConfigService } from '../global-config.ts';

/**
 * The provider side's own knowledge, which never leaves the department: where each service's
 * backend is, which endpoints of it the exchange may reach, how long to wait, whether message
 * bodies are kept in the log (personal data law: often not). The hub publishes that a service
 * exists; only its department's gateway knows where it runs.
 */
const Endpoint = Type.String({ pattern: '^(GET|POST|PUT|PATCH|DELETE|HEAD) /[^\\s]*$', description: 'METHOD /path, where * matches one segment and a trailing /** any rest' });

export const LocalService = Type.Object({
  code: Type.String({ pattern: '^[a-z0-9][a-z0-9-]{0,39}/[a-z0-9][a-z0-9._-]{0,39}$', description: 'system/service as in the catalog' }),
  url: Type.String({ pattern: '^https?://', description: "the backend's base URL; the request path is appended" }),
  endpoints: Type.Array(Endpoint, { minItems: 1, description: 'what the exchange may call; anything else is refused (default deny)' }),
  timeoutMs: Type.Optional(Type.Integer({ minimum: 100, maximum: 600_000 })),
  logBodies: Type.Optional(Type.Boolean({ description: 'keep request and response bodies in the message log (default: no)' })),
  openapi: Type.Optional(Type.String({ pattern: '^https?://', description: "where the backend serves its OpenAPI description" })),
}, { additionalProperties: false });
export type LocalService = Static<typeof LocalService>;

export const ServicesFile = Type.Object({
  services: Type.Array(LocalService),
}, { additionalProperties: false });

export function parseServices(value: unknown, origin: string): LocalService[] {
  if (!Value.Check(ServicesFile, value)) {
    const first = [...Value.Errors(ServicesFile, value)][0];
    throw new Error(`${origin}: ${first ? `${first.instancePath || '/'} ${first.message}` : 'not a services file'}`);
  }
  const seen = new Set<string>();
  for (const s of value.services) {
    if (seen.has(s.code)) throw new Error(`${origin}: service ${s.code} is listed twice`);
    seen.add(s.code);
  }
  return value.services;
}

export function readServicesFile(file: string): LocalService[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw new Error(`${file}: ${(error as Error).message}`);
  }
  return parseServices(parsed, file);
}

/** An endpoint pattern compiled to a matcher. */
export function endpointMatcher(endpoints: readonly string[]): (method: string, path: string) => boolean {
  const patterns = endpoints.map((e) => {
    const [method, pattern] = e.split(' ') as [string, string];
    const parts = pattern.split('/').slice(1);
    return { method, parts };
  });
  return (method, path) => {
    const segments = path.split('/').slice(1);
    return patterns.some((p) => p.method === method && segmentsMatch(p.parts, segments));
  };
}

function segmentsMatch(pattern: readonly string[], segments: readonly string[]): boolean {
  for (let i = 0; i < pattern.length; i += 1) {
    const p = pattern[i]!;
    if (p === '**' && i === pattern.length - 1) return segments.length >= i;
    const s = segments[i];
    if (s === undefined) return false;
    if (p !== '*' && p !== s) return false;
    if (p === '*' && s === '') return false;
  }
  return segments.length === pattern.length;
}

export interface Filtered {
  body: unknown;
  masked: string[];
  removed: string[];
}

/**
 * Keeps what the client was granted. An item of the service the client was not granted is masked
 * when it is personal data (the client sees that it exists, not what it is) and removed
 * otherwise; a field the catalog does not list at all is removed: default deny.
 */
export function filterItems(body: unknown, service: GlobalConfigService, granted: ReadonlySet<string>): Filtered {
  const items = new Map(service.items.map((i) => [i.name, i]));
  const masked = new Set<string>();
  const removed = new Set<string>();
  const one = (value: unknown): unknown => {
    if (value === null || typeof value !== 'object' || Array.isArray(value)) return value;
    const out: Record<string, unknown> = {};
    for (const [name, v] of Object.entries(value)) {
      if (granted.has(name)) {
        out[name] = v;
        continue;
      }
      const item = items.get(name);
      if (item && (item.sensitivity === 'personal' || item.sensitivity === 'sensitive_personal') && (typeof v === 'string' || typeof v === 'number')) {
        out[name] = maskJsonValue(maskKindFor(name, item.dataType), v);
        masked.add(name);
      } else {
        removed.add(name);
      }
    }
    return out;
  };
  const result = Array.isArray(body) ? body.map(one) : one(body);
  return { body: result, masked: [...masked], removed: [...removed] };
}
