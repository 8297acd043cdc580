import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { describe, it } from 'node:test';
import { DomainError } from '../../src/platform/errors.ts';
import { createHttpApp } from '../../src/platform/http.ts';

/** An app on the shared HTTP edge whose log lines are kept, parsed, for the test to read. */
async function appWithLog() {
  const stream = new PassThrough();
  const lines: Record<string, unknown>[] = [];
  let rest = '';
  stream.on('data', (chunk: Buffer) => {
    const parts = (rest + chunk.toString('utf8')).split('\n');
    rest = parts.pop()!;
    for (const line of parts) lines.push(JSON.parse(line) as Record<string, unknown>);
  });
  const app = createHttpApp({ logLevel: 'info', bodyLimit: 1024, https: false, logStream: stream });
  app.get('/hello', async () => ({ hello: 'world' }));
  app.get('/refuse', async () => { throw new DomainError('forbidden', 'not yours'); });
  let finishSlow = () => {};
  let slowStarted = () => {};
  const slowRunning = new Promise<void>((resolve) => { slowStarted = resolve; });
  app.get('/slow', async () => {
    slowStarted();
    await new Promise<void>((resolve) => { finishSlow = resolve; });
    return 'late';
  });
  await app.ready();
  return { app, lines, slowRunning, finishSlow: () => finishSlow() };
}

describe('the HTTP edge\'s log', () => {
  it('writes one line per request when it is answered: method, path, status, time and the client\'s address, never its cookies or query', async () => {
    const { app, lines } = await appWithLog();
    try {
      const response = await app.inject({ method: 'GET', url: '/hello?q=210282199603281565', headers: { cookie: 'egov_session=secret-token', authorization: 'Bearer secret-token' } });
      assert.equal(response.statusCode, 200);
      const requestLines = lines.filter((l) => l.reqId === response.headers['x-request-id']);
      assert.equal(requestLines.length, 1, `one line for the request, got ${JSON.stringify(requestLines)}`);
      const [line] = requestLines;
      assert.equal(line!.msg, 'request');
      assert.equal(line!.method, 'GET');
      assert.equal(line!.path, '/hello');
      assert.equal(line!.status, 200);
      assert.equal(typeof line!.ms, 'number');
      assert.equal(line!.ip, '127.0.0.1');
      assert.ok(!JSON.stringify(lines).includes('secret-token'), 'no cookie or credential in the log');
      assert.ok(!JSON.stringify(lines).includes('210282199603281565'), 'nothing of the query in the log');
    } finally {
      await app.close();
    }
  });

  it('a refused request says why, then is logged with its status like any other', async () => {
    const { app, lines } = await appWithLog();
    try {
      const response = await app.inject({ method: 'GET', url: '/refuse' });
      assert.equal(response.statusCode, 403);
      const requestLines = lines.filter((l) => l.reqId === response.headers['x-request-id']);
      assert.deepEqual(requestLines.map((l) => l.msg), ['request refused', 'request']);
      assert.equal(requestLines[0]!.code, 'forbidden');
      assert.equal(requestLines[1]!.status, 403);
    } finally {
      await app.close();
    }
  });

  it('a request its client gives up on before the answer still leaves a line', async () => {
    const { app, lines, slowRunning, finishSlow } = await appWithLog();
    try {
      await app.listen({ port: 0, host: '127.0.0.1' });
      const { port } = app.server.address() as AddressInfo;
      const request = http.get({ host: '127.0.0.1', port, path: '/slow?q=secret' });
      request.on('error', () => {});
      await slowRunning;
      request.destroy();
      for (let i = 0; i < 100 && !lines.some((l) => l.msg === 'request abandoned by the client'); i += 1) await new Promise((r) => setTimeout(r, 10));
      const abandoned = lines.find((l) => l.msg === 'request abandoned by the client');
      assert.ok(abandoned, `a line for the abandoned request, got ${JSON.stringify(lines)}`);
      assert.equal(abandoned.path, '/slow');
      assert.equal(abandoned.method, 'GET');
    } finally {
      finishSlow();
      await app.close();
    }
  });
});
