/**
 * What the two security gateways cost on an exchange, against calling the backend directly and
 * against a plain two-hop nginx mutual-TLS proxy chain, all measured in the same run.
 *
 *   npx tsx bench/exchange.ts [--seconds N] [--warmup N] [--connections N] [--rounds N] [--threads N]
 *                             [--sizes 1kb,100kb] [--latency-seconds N] [--no-latency] [--no-nginx]
 *                             [--sqlite-normal] [--cpu-prof]
 *
 * --seconds: measured seconds per run (default 10), each after --warmup seconds of the same load
 * that are thrown away (default 2 in the first round, at most 1 after); --connections: wrk's
 * keep-alive connections (default 32); --rounds: every case runs this many times, the cases
 * interleaved and their order rotated (default 3); --threads: wrk threads (default 1: plenty, and
 * it leaves the CPU to what is measured); --sizes: response bodies (default 1kb,100kb);
 * --latency-seconds: measured seconds of each one-connection run (default 3, after 1 s of
 * warm-up in the first round; 1 KB only; --no-latency skips them); --no-nginx: no nginx
 * reference; --sqlite-normal: then also 1kb/two-gateways with both message logs on sqliteSync
 * 'normal' (restarts the gateways, about 50 s more); --cpu-prof: the gateway processes write V8
 * CPU profiles into a folder named on standard error, kept after the run.
 * The defaults take about four and a half minutes.
 *
 * Every case sends the same request: GET /persons/{id}?size=S with Egov-Client (hrss's
 * social-insurance system) and Egov-User-Id, the smoke test's lookup of a person; S is the size
 * of the JSON the backend answers. Standard output: one JSON object per figure, one per line,
 * nothing else; progress goes to standard error. Cases, for each size S (1kb, 100kb):
 *   S/direct            wrk → backend. The reference.
 *   S/two-gateways      wrk → hrss gateway (department side, plain HTTP) → psb gateway (mutual TLS,
 *                       signed request) → backend, and back: the rights of the demo agreement
 *                       (hrss/social-insurance on PSB-0001 population/persons) checked, the data
 *                       items filtered, the response signed and verified, both message logs
 *                       committed with sqliteSync 'full' (the default: acknowledged means on disk)
 *                       before anything is answered.
 *   S/nginx-two-hop     wrk → nginx A (plain HTTP in) → nginx B (mutual TLS from A, keep-alive
 *                       upstreams) → backend: what a plain proxy chain of the same shape costs.
 * Metrics: rps, p50_ms, p99_ms with --connections busy all the time (a closed loop), medians over
 * the rounds; `ratio`: rps over S/direct's, the median of the per-round ratios; `added_p50_ms`:
 * p50 less S/direct's p50, the median of the per-round differences. In a closed loop p50 is about
 * connections/rps (Little's law), so the loaded added_p50_ms mostly restates the throughput; what
 * an exchange adds when nothing queues is measured with one connection: 1kb/direct/c1,
 * 1kb/two-gateways/c1, 1kb/nginx-two-hop/c1 (p50_ms, p99_ms, added_p50_ms).
 * Where the two-gateway time goes: both gateways keep four timestamps of every exchange (the
 * operations table, in milliseconds), joined by message id over the measured runs into
 * S/two-gateways/stage/NAME `mean_ms`, in order: client-in, to-provider, provider-in, backend,
 * provider-out, commit-and-back, client-out, commit-and-reply. A gateway takes response_out
 * before its log commit, so the provider's commit is in commit-and-back and the client's in
 * commit-and-reply (wrk's mean latency less the client gateway's request-in to response-out).
 * The same for the one-connection runs: 1kb/two-gateways/c1/stage/NAME, what one exchange costs
 * when nothing queues.
 * And CPU: S/CASE/cpu/PROCESS `cpu_ms` per request (client-gateway, provider-gateway, backend,
 * nginx-a, nginx-b, bench: this process, with the hub), and S/CASE/cpu/machine: the whole
 * machine's busy CPU per request, other people's work included (a noise gauge).
 * With --sqlite-normal: 1kb/two-gateways/sqlite-normal (and /c1), run after the interleaved
 * rounds; its ratio and added_p50_ms are against the medians of 1kb/direct (and /c1).
 *
 * Topology, the same for every case, on 2 cores shared by everything: the backend in its own
 * Node process (node:http, a fixed JSON array of person records holding only items the agreement
 * grants, so the filter keeps every byte and all three paths answer identical bodies, which is
 * checked before measuring); each gateway in its own Node process (this file run with --child
 * gateway, doing what `egov gateway` does, with loadConfig's defaults and services.json in its
 * data folder), as two departments' gateways run on two machines; one event loop each, so nginx
 * A and B each run one worker (worker_processes 1; `auto` would add workers that only compete
 * with the backend and wrk); wrk with one thread; the hub (SQLite, demo seeded) in this process.
 * Gateways keep their default timers except operational reports, held back (3600 s instead of
 * 10 s) because the hub shares the 2 cores and would spend CPU ingesting thousands of records a
 * second that, in production, it spends on another machine. nginx certificates come from a CA of
 * our own (pki/ca.ts: Ed25519, TLS 1.3 only); access_log off; proxy buffers big enough that
 * 100 KB never goes to a temporary file; keepalive_requests effectively unlimited, like the
 * gateways' agents.
 */
import { type ChildProcess, fork, spawn } from 'node:child_process';
import { accessSync, constants, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import SqliteDatabase from 'better-sqlite3';
import {
  WRK_REPORT, type WrkResult, benchOutput, clockTicks, cpuMsOf, flag, killStarted, machineBusyMs, median, stopProcess, track, wrk,
} from './support.ts';

const SELF = fileURLToPath(import.meta.url);
const ROOT = path.join(path.dirname(SELF), '..');

// The request every case sends: the smoke test's lookup of a person, as the social insurance system.
const PERSON_ID = '210202199001011232';
const USER_ID = `CN${PERSON_ID}`;

type CaseName = 'direct' | 'two-gateways' | 'nginx-two-hop';

// ---------------------------------------------------------------------------------------------
// Children: the backend and the gateways run in their own processes, started from this file.

type ChildRequest = { id: number; op: string; args?: unknown };
type ChildReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

function serveChild(handlers: Record<string, (args: unknown) => Promise<unknown>>): void {
  // If the bench dies, its children go with it.
  process.on('disconnect', () => process.exit(0));
  process.on('message', (message: ChildRequest) => {
    const handler = handlers[message.op];
    const reply = (r: ChildReply) => process.send?.(r);
    if (!handler) return reply({ id: message.id, ok: false, error: `unknown op ${message.op}` });
    handler(message.args).then(
      (value) => reply({ id: message.id, ok: true, value: value ?? null }),
      (error: Error) => reply({ id: message.id, ok: false, error: error.stack ?? error.message }),
    );
  });
}

/** The JSON a backend answers: person records with the items hrss is granted on PSB-0001, about `bytes` long. */
function personsBody(bytes: number): Buffer {
  const names = ['张三', '李四', '王五', '赵六', '孙七', '周八', '吴九', '郑十'];
  const persons: Record<string, string | null>[] = [];
  let size = 2;
  for (let i = 0; ; i++) {
    const person = {
      idNumber: `2102021990${String(101 + (i % 1000)).padStart(4, '0')}${String(1000 + (i % 9000)).slice(0, 4)}`,
      name: names[i % names.length]!, sex: String(1 + (i % 2)), birthDate: `19${50 + (i % 50)}-0${1 + (i % 9)}-1${i % 10}`,
      cancellationReason: i % 7 === 0 ? '1' : null, cancellationDate: i % 7 === 0 ? '2024-05-01' : null,
    };
    const add = Buffer.byteLength(JSON.stringify(person)) + (persons.length > 0 ? 1 : 0);
    if (persons.length > 0 && size + add > bytes) break;
    persons.push(person);
    size += add;
  }
  return Buffer.from(JSON.stringify(persons));
}

async function backendChild(): Promise<void> {
  let server: http.Server | null = null;
  serveChild({
    async start(args) {
      const { sizes } = args as { sizes: number[] };
      const bodies = new Map(sizes.map((kb) => [`${kb}kb`, personsBody(kb * 1024)]));
      server = http.createServer((req, res) => {
        req.resume();
        req.on('end', () => {
          const size = /[?&]size=([0-9]+kb)/.exec(req.url ?? '')?.[1] ?? '';
          const body = bodies.get(size);
          if (!body) {
            res.writeHead(404, { 'content-type': 'application/json' });
            res.end('{"error":"ask for ?size=1kb (or another size the bench started with)"}');
            return;
          }
          res.writeHead(200, { 'content-type': 'application/json; charset=utf-8', 'content-length': body.length });
          res.end(body);
        });
      });
      // Longer than any proxy's idle upstream connection, so no proxy reuses one the backend is closing.
      server.keepAliveTimeout = 180_000;
      await new Promise<void>((resolve) => server!.listen(0, '127.0.0.1', resolve));
      return { port: (server.address() as net.AddressInfo).port };
    },
    async stop() {
      server?.closeAllConnections();
      setImmediate(() => process.exit(0));
    },
  });
}

async function gatewayChild(): Promise<void> {
  // Loaded at once, while the bench starts the hub.
  const modules = Promise.all([import('../src/platform/config.ts'), import('../src/exchange/gateway/cli.ts'), import('../src/exchange/gateway/server.ts')]);
  let gateway: Awaited<ReturnType<Awaited<typeof modules>[2]['startGateway']>> | null = null;
  serveChild({
    async start(args) {
      const [{ loadConfig }, { gatewayOptions }, { startGateway }] = await modules;
      const { dataDir, exchangePort, sqliteSync } = args as { dataDir: string; exchangePort: number; sqliteSync: 'full' | 'normal' };
      // What `egov gateway --data DIR --port 0 --exchange-port P` does, with the defaults of every other setting.
      // Operational reports wait (3600 s instead of 10 s): the hub shares this machine's 2 cores, and
      // its ingesting thousands of records a second would take CPU from the gateways; in
      // production it runs elsewhere. A gateway's side of a report is one query and one POST per
      // 1000 exchanges.
      const config = loadConfig({ flags: { data: dataDir, host: '127.0.0.1', port: '0', exchangePort: String(exchangePort), logLevel: 'warn', sqliteSync, reportSeconds: '3600' } });
      gateway = await startGateway(gatewayOptions(config, { logStream: process.stderr }));
      return { clientUrl: gateway.clientUrl, id: gateway.identity.id };
    },
    async refresh() {
      await gateway!.refresh();
    },
    async stop() {
      // Not gateway.stop(): that would first send the hub every operational record held back
      // (seconds of work on both sides, after the measurement). Nothing is in flight by now, and
      // the log's commits are synchronous, so exiting loses nothing the bench needs.
      setImmediate(() => process.exit(0));
    },
  });
}

interface Child {
  process: ChildProcess;
  call(op: string, args?: unknown): Promise<unknown>;
  stop(): Promise<void>;
}

function startChild(role: 'backend' | 'gateway', execArgv: string[] = []): Child {
  const child = fork(SELF, ['--child', role], { cwd: ROOT, execArgv: [...execArgv, '--import', 'tsx'], stdio: ['ignore', 2, 2, 'ipc'] });
  track(child);
  let next = 0;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  child.on('message', (message: ChildReply) => {
    const w = waiting.get(message.id);
    if (!w) return;
    waiting.delete(message.id);
    if (message.ok) w.resolve(message.value);
    else w.reject(new Error(`${role} child: ${message.error}`));
  });
  child.on('exit', (code, signal) => {
    for (const w of waiting.values()) w.reject(new Error(`the ${role} child exited (${code ?? signal}) before answering`));
    waiting.clear();
  });
  const call = (op: string, args?: unknown) => new Promise<unknown>((resolve, reject) => {
    const id = ++next;
    waiting.set(id, { resolve, reject });
    child.send({ id, op, args } satisfies ChildRequest);
  });
  return {
    process: child, call,
    async stop() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
      await Promise.race([call('stop').catch(() => {}), new Promise((r) => setTimeout(r, 10_000))]);
      await Promise.race([exited, new Promise((r) => setTimeout(r, 10_000))]);
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
    },
  };
}

let workDir: string | null = null;

// ---------------------------------------------------------------------------------------------
// Small helpers

function executable(name: string): string | null {
  for (const dir of [...(process.env.PATH ?? '').split(':'), '/usr/sbin', '/sbin', '/usr/local/sbin']) {
    if (!dir) continue;
    const file = path.join(dir, name);
    try {
      accessSync(file, constants.X_OK);
      return file;
    } catch { /* not here */ }
  }
  return null;
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

async function waitForPort(port: number, within: number, alive: () => boolean): Promise<void> {
  const until = Date.now() + within;
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = net.connect(port, '127.0.0.1', () => { socket.destroy(); resolve(true); });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    if (!alive()) throw new Error(`the process that should listen on ${port} exited`);
    if (Date.now() > until) throw new Error(`nothing listens on ${port} after ${within} ms`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

// ---------------------------------------------------------------------------------------------
// wrk

const WRK_SCRIPT = `
wrk.method = "GET"
wrk.headers["egov-client"] = os.getenv("BENCH_CLIENT")
wrk.headers["egov-user-id"] = os.getenv("BENCH_USER")
${WRK_REPORT}`;

// ---------------------------------------------------------------------------------------------
// nginx

/** One nginx: `server` is its listen and TLS lines, `proxy` its proxy_pass (and upstream TLS) lines, `upstream` the next hop. */
function nginxConfig(o: { dir: string; server: string; upstream: string; proxy: string; root: boolean }): string {
  return `${o.root ? 'user root root;\n' : ''}worker_processes 1;
daemon off;
master_process on;
pid ${o.dir}/nginx.pid;
error_log ${o.dir}/error.log warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${o.dir}/client_body;
  proxy_temp_path ${o.dir}/proxy;
  fastcgi_temp_path ${o.dir}/fastcgi;
  uwsgi_temp_path ${o.dir}/uwsgi;
  scgi_temp_path ${o.dir}/scgi;
  keepalive_requests 1000000;
  keepalive_timeout 120s;
  upstream next_hop {
    server ${o.upstream};
    keepalive 64;
    keepalive_requests 1000000;
    keepalive_timeout 120s;
  }
  server {
    ${o.server}
    location / {
      ${o.proxy}
      proxy_http_version 1.1;
      proxy_set_header Connection "";
      proxy_buffer_size 16k;
      proxy_buffers 16 16k;
      proxy_busy_buffers_size 64k;
      proxy_max_temp_file_size 0;
    }
  }
}
`;
}

async function startNginx(nginxPath: string, dir: string, conf: string, port: number): Promise<ChildProcess> {
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, 'nginx.conf');
  writeFileSync(file, conf);
  const child = spawn(nginxPath, ['-p', dir, '-c', file, '-e', path.join(dir, 'error.log')], { stdio: ['ignore', 2, 2] });
  track(child);
  try {
    await waitForPort(port, 10_000, () => child.exitCode === null);
  } catch (error) {
    const log = existsSync(path.join(dir, 'error.log')) ? readFileSync(path.join(dir, 'error.log'), 'utf8') : '';
    throw new Error(`nginx did not start (${(error as Error).message}):\n${log}`);
  }
  return child;
}

// ---------------------------------------------------------------------------------------------
// The bench

async function main(): Promise<void> {
  const { emit, progress } = benchOutput('exchange');

  const SECONDS = flag('--seconds', 10);
  const WARMUP = flag('--warmup', 2);
  const CONNECTIONS = flag('--connections', 32);
  const ROUNDS = flag('--rounds', 3);
  const THREADS = flag('--threads', 1);
  const LATENCY_SECONDS = flag('--latency-seconds', 3);
  const WITH_LATENCY = !process.argv.includes('--no-latency');
  const WITH_NGINX = !process.argv.includes('--no-nginx');
  const WITH_NORMAL = process.argv.includes('--sqlite-normal');
  const CPU_PROF = process.argv.includes('--cpu-prof');
  const sizesAt = process.argv.indexOf('--sizes');
  const sizesText = sizesAt >= 0 ? process.argv[sizesAt + 1] ?? '' : '1kb,100kb';
  const SIZES = sizesText.split(',').map((s) => {
    const m = /^([1-9][0-9]{0,3})kb$/i.exec(s.trim());
    if (!m) {
      process.stderr.write('--sizes takes sizes in KB, e.g. 1kb,100kb (1kb to 1000kb: the gateways take bodies up to 1 MB)\n');
      process.exit(2);
    }
    return Number(m[1]);
  });
  if (SIZES.some((kb) => kb > 1000)) {
    process.stderr.write('--sizes: the gateways take bodies up to 1 MB by default; ask for 1000kb at most\n');
    process.exit(2);
  }

  const wrkPath = executable('wrk');
  const nginxPath = WITH_NGINX ? executable('nginx') : null;
  const missing = [!wrkPath && 'wrk', WITH_NGINX && !nginxPath && 'nginx'].filter(Boolean);
  if (missing.length > 0) {
    process.stderr.write(`bench/exchange needs ${missing.join(' and ')} on the PATH: apt-get install wrk nginx-light (or run with --no-nginx to skip the nginx reference)\n`);
    process.exit(1);
  }
  const tick = clockTicks();

  const work = mkdtempSync(path.join(tmpdir(), 'egov-bench-exchange-'));
  workDir = work;
  const profDir = CPU_PROF ? mkdtempSync(path.join(tmpdir(), 'egov-bench-exchange-prof-')) : null;
  const cleanups: (() => Promise<void>)[] = [];
  const setupStarted = Date.now();
  try {
    // ---- the backend, and the gateway processes loading their code while the hub starts ------------
    const backend = startChild('backend');
    cleanups.push(() => backend.stop());
    const forkGateway = () => startChild('gateway', profDir ? ['--cpu-prof', '--cpu-prof-dir', profDir] : []);
    let forked: Record<'psb' | 'hrss', Child> | null = { psb: forkGateway(), hrss: forkGateway() };
    cleanups.push(async () => { if (forked) await Promise.all([forked.psb.stop(), forked.hrss.stop()]); });
    const { port: backendPort } = await backend.call('start', { sizes: SIZES }) as { port: number };
    const backendUrl = `http://127.0.0.1:${backendPort}`;
    progress(`backend (pid ${backend.process.pid}) on ${backendUrl}`);

    // ---- the hub and two enrolled gateways ---------------------------------------------------------
    const { loadConfig } = await import('../src/platform/config.ts');
    const { startHub } = await import('../src/hub/server.ts');
    const { seedDemo } = await import('../src/hub/demo.ts');
    const { createEnrolmentToken } = await import('../src/exchange/service.ts');
    const { enrol } = await import('../src/exchange/gateway/identity.ts');
    const { systemActor } = await import('../src/platform/access.ts');
    const { demoDepartments } = await import('../src/registry/demo-data.ts');
    const codeOf = (key: string): string => demoDepartments.find((d) => d.key === key)!.uscc;

    // The hub is off the measured path (gateways talk to it every few seconds at most): its own
    // database runs on sqliteSync 'normal' so that seeding the demo takes seconds, not many.
    const hub = await startHub(loadConfig({ flags: { data: path.join(work, 'hub'), port: '0', exchangePort: '0', logLevel: 'silent', sqliteSync: 'normal' } }), async (database) => { await seedDemo(database); });
    cleanups.push(() => hub.stop());
    progress(`hub on ${hub.url}`);

    const services = [{ code: 'population/persons', url: backendUrl, endpoints: ['GET /persons/*'] }];
    const gatewayDirs = { psb: path.join(work, 'gw-psb'), hrss: path.join(work, 'gw-hrss') };
    const exchangePorts = { psb: await freePort(), hrss: await freePort() };
    for (const key of ['psb', 'hrss'] as const) {
      const { token } = await createEnrolmentToken(hub.hub.database, systemActor('bench'), hub.hub.exchange, { department: codeOf(key), code: 'gw1' });
      await enrol({ dataDir: gatewayDirs[key], hubUrl: hub.url, token, address: `https://127.0.0.1:${exchangePorts[key]}` });
    }
    writeFileSync(path.join(gatewayDirs.psb, 'services.json'), JSON.stringify({ services }));

    type Gateways = { psb: Child; hrss: Child; clientUrl: string; sync: 'full' | 'normal' };
    const startGateways = async (sync: 'full' | 'normal'): Promise<Gateways> => {
      const children = forked ?? { psb: forkGateway(), hrss: forkGateway() };
      forked = null;
      const infos = await Promise.all((['psb', 'hrss'] as const).map(async (key) => {
        const info = await children[key].call('start', { dataDir: gatewayDirs[key], exchangePort: exchangePorts[key], sqliteSync: sync }) as { clientUrl: string; id: string };
        progress(`gateway ${key} ${info.id} (pid ${children[key].process.pid}, sqliteSync '${sync}'): department side ${info.clientUrl}, exchange side https://127.0.0.1:${exchangePorts[key]}`);
        return info;
      }));
      // Each fetched the configuration when it started; now both know each other.
      await Promise.all([children.psb.call('refresh'), children.hrss.call('refresh')]);
      return { ...children, clientUrl: infos[1]!.clientUrl, sync };
    };
    let gateways = await startGateways('full');
    cleanups.push(async () => { await Promise.all([gateways.hrss.stop(), gateways.psb.stop()]); });

    // ---- nginx A → nginx B → backend ---------------------------------------------------------------
    let nginxUrl = '';
    const nginxPids: { a: number; b: number } = { a: 0, b: 0 };
    if (nginxPath) {
      const { loadCertificateAuthority, createKeyAndCsr, issueCertificate, issueServerCertificate } = await import('../src/pki/ca.ts');
      const pki = path.join(work, 'nginx-pki');
      const ca = await loadCertificateAuthority(pki, { name: 'bench nginx' });
      const server = await issueServerCertificate(ca, { hostnames: ['nginx-b.bench'], ipAddresses: ['127.0.0.1'], validDays: 2 });
      const clientKey = await createKeyAndCsr({ commonName: 'nginx-a.bench' });
      const client = await issueCertificate(ca, clientKey.csrPem, { commonName: 'nginx-a.bench', validDays: 2, extendedKeyUsage: ['clientAuth'] });
      const files = {
        ca: path.join(pki, 'ca.pem'), serverCert: path.join(pki, 'b.pem'), serverKey: path.join(pki, 'b-key.pem'),
        clientCert: path.join(pki, 'a.pem'), clientKey: path.join(pki, 'a-key.pem'),
      };
      writeFileSync(files.ca, ca.certificatePem);
      writeFileSync(files.serverCert, server.certificatePem);
      writeFileSync(files.serverKey, server.privateKeyPem, { mode: 0o600 });
      writeFileSync(files.clientCert, client.pem);
      writeFileSync(files.clientKey, clientKey.privateKeyPem, { mode: 0o600 });
      const root = process.getuid?.() === 0;
      const portA = await freePort();
      const portB = await freePort();
      const dirB = path.join(work, 'nginx-b');
      const b = await startNginx(nginxPath, dirB, nginxConfig({
        dir: dirB, root, upstream: `127.0.0.1:${backendPort}`, proxy: 'proxy_pass http://next_hop;',
        server: `listen 127.0.0.1:${portB} ssl;
    ssl_protocols TLSv1.3;
    ssl_certificate ${files.serverCert};
    ssl_certificate_key ${files.serverKey};
    ssl_client_certificate ${files.ca};
    ssl_verify_client on;
    ssl_session_cache shared:bench:10m;`,
      }), portB);
      cleanups.push(() => stopProcess(b));
      const dirA = path.join(work, 'nginx-a');
      const a = await startNginx(nginxPath, dirA, nginxConfig({
        dir: dirA, root, upstream: `127.0.0.1:${portB}`,
        proxy: `proxy_pass https://next_hop;
      proxy_ssl_protocols TLSv1.3;
      proxy_ssl_certificate ${files.clientCert};
      proxy_ssl_certificate_key ${files.clientKey};
      proxy_ssl_trusted_certificate ${files.ca};
      proxy_ssl_verify on;
      proxy_ssl_name nginx-b.bench;
      proxy_ssl_session_reuse on;`,
        server: `listen 127.0.0.1:${portA};`,
      }), portA);
      cleanups.push(() => stopProcess(a));
      nginxUrl = `http://127.0.0.1:${portA}`;
      nginxPids.a = childrenOf(a.pid!)[0] ?? a.pid!;
      nginxPids.b = childrenOf(b.pid!)[0] ?? b.pid!;
      progress(`nginx A on ${nginxUrl} (worker pid ${nginxPids.a}) → nginx B on https://127.0.0.1:${portB} (mutual TLS, Ed25519, worker pid ${nginxPids.b}) → backend`);
    }

    // ---- what every case calls, checked to answer the same body ------------------------------------
    const psbCode = codeOf('psb');
    const clientHeader = `${codeOf('hrss')}/social-insurance`;
    const urlOf = (c: CaseName, kb: number): string => {
      const rest = `/persons/${PERSON_ID}?size=${kb}kb`;
      if (c === 'direct') return `${backendUrl}${rest}`;
      if (c === 'two-gateways') return `${gateways.clientUrl}/r1/${psbCode}/population/persons${rest}`;
      return `${nginxUrl}${rest}`;
    };
    const cases: CaseName[] = ['direct', 'two-gateways', ...(nginxPath ? ['nginx-two-hop' as const] : [])];
    const check = async (c: CaseName, kb: number) => {
      const response = await fetch(urlOf(c, kb), { headers: { 'egov-client': clientHeader, 'egov-user-id': USER_ID } });
      const body = Buffer.from(await response.arrayBuffer());
      if (response.status !== 200) throw new Error(`${kb}kb/${c} answered ${response.status}: ${body.toString('utf8').slice(0, 500)}`);
      return body;
    };
    for (const kb of SIZES) {
      const expected = await check('direct', kb);
      for (const c of cases) {
        const body = await check(c, kb);
        if (!body.equals(expected)) throw new Error(`${kb}kb/${c} answered ${body.length} bytes that differ from the backend's ${expected.length}`);
      }
      progress(`${kb}kb: every path answers the same ${expected.length} bytes (${(JSON.parse(expected.toString('utf8')) as unknown[]).length} person records)`);
    }

    const scriptFile = path.join(work, 'wrk.lua');
    writeFileSync(scriptFile, WRK_SCRIPT);
    const runWrk = (url: string, connections: number, seconds: number): Promise<WrkResult> => wrk(wrkPath!,
      ['-t', String(Math.min(THREADS, connections)), '-c', String(connections), '-d', `${seconds}s`, '-s', scriptFile, url], { BENCH_CLIENT: clientHeader, BENCH_USER: USER_ID });

    type ProcessName = 'client-gateway' | 'provider-gateway' | 'backend' | 'nginx-a' | 'nginx-b' | 'bench';
    const pidsOf = (): Record<ProcessName, number> => ({
      'client-gateway': gateways.hrss.process.pid!, 'provider-gateway': gateways.psb.process.pid!, backend: backend.process.pid!,
      'nginx-a': nginxPids.a, 'nginx-b': nginxPids.b, bench: process.pid,
    });
    const processesOf: Record<CaseName, ProcessName[]> = {
      direct: ['backend', 'bench'],
      'two-gateways': ['client-gateway', 'provider-gateway', 'backend', 'bench'],
      'nginx-two-hop': ['nginx-a', 'nginx-b', 'backend', 'bench'],
    };

    interface Run extends WrkResult { from: number; to: number; cpu: Record<string, number> }
    const measure = async (label: string, url: string, processes: ProcessName[], connections: number, seconds: number, warmup: number): Promise<Run> => {
      if (warmup > 0) await runWrk(url, connections, warmup);
      const pids = pidsOf();
      const before = Object.fromEntries(processes.map((p) => [p, cpuMsOf(pids[p], tick)]));
      const busyBefore = machineBusyMs(tick);
      const from = Date.now();
      const r = await runWrk(url, connections, seconds);
      const to = Date.now();
      const cpu: Record<string, number> = Object.fromEntries(processes.map((p) => [p, (cpuMsOf(pids[p], tick) - before[p]!) / r.requests]));
      cpu.machine = (machineBusyMs(tick) - busyBefore) / r.requests;
      if (r.non2xx > 0) {
        // Show what went wrong: the same load once more, from here, keeping what came back.
        const seen = new Map<string, number>();
        await Promise.all(Array.from({ length: connections }, async () => {
          for (let i = 0; i < 10; i++) {
            const response = await fetch(url, { headers: { 'egov-client': clientHeader, 'egov-user-id': USER_ID } }).catch((e: Error) => e);
            const what = response instanceof Error ? response.message : response.status === 200 ? '200' : `${response.status} ${(await response.text()).slice(0, 400).replace(/[0-9a-f]{8}-[0-9a-f-]{27}/g, '…')}`;
            if (!(response instanceof Error) && response.status === 200) await response.arrayBuffer();
            seen.set(what, (seen.get(what) ?? 0) + 1);
          }
        }));
        throw new Error(`${label}: ${r.non2xx} of ${r.requests} answers were not 2xx; the setup is wrong, the figures would be meaningless. The same load from the bench got: ${[...seen].map(([k, v]) => `${v}× ${k}`).join('; ')}`);
      }
      if (r.socketErrors > 0) progress(`${label}: ${r.socketErrors} socket errors or timeouts`);
      const busyCores = (cpu.machine * r.requests) / (to - from);
      progress(`${label}: ${Math.round(r.rps)} req/s, p50 ${r.p50Ms.toFixed(2)} ms, p99 ${r.p99Ms.toFixed(2)} ms (machine ${busyCores.toFixed(2)} of 2 cores busy; CPU ms/req ${processes.map((p) => `${p} ${cpu[p]!.toFixed(3)}`).join(', ')})`);
      return { ...r, from, to, cpu };
    };

    const setupSeconds = (Date.now() - setupStarted) / 1000;
    progress(`setup took ${setupSeconds.toFixed(1)} s; ${ROUNDS} rounds of ${cases.length} cases × ${SIZES.length} sizes, ${WARMUP} s warm-up + ${SECONDS} s each, ${CONNECTIONS} connections`);

    // ---- the loaded runs, interleaved ---------------------------------------------------------------
    const runs = new Map<string, Run[]>();
    const add = (key: string, run: Run) => runs.set(key, [...(runs.get(key) ?? []), run]);
    for (let round = 1; round <= ROUNDS; round++) {
      // The order rotates from round to round, so no case always follows the same one.
      const order = cases.map((_, i) => cases[(i + round - 1) % cases.length]!);
      for (const kb of SIZES) {
        for (const c of order) {
          const key = `${kb}kb/${c}`;
          add(key, await measure(`round ${round}/${ROUNDS} ${key}`, urlOf(c, kb), processesOf[c], CONNECTIONS, SECONDS, round === 1 ? WARMUP : Math.min(WARMUP, 1)));
        }
      }
    }

    // ---- one connection: what an exchange adds when nothing queues ---------------------------------
    if (WITH_LATENCY) {
      const kb = SIZES.includes(1) ? 1 : SIZES[0]!;
      for (let round = 1; round <= ROUNDS; round++) {
        const order = cases.map((_, i) => cases[(i + round - 1) % cases.length]!);
        for (const c of order) {
          const key = `${kb}kb/${c}/c1`;
          add(key, await measure(`round ${round}/${ROUNDS} ${key}`, urlOf(c, kb), processesOf[c], 1, LATENCY_SECONDS, round === 1 ? 1 : 0));
        }
      }
    }

    // ---- where the two-gateway time goes: both gateways' timestamps of the measured exchanges -------
    const stagesOf = (key: string): { name: string; mean: number }[] | null => {
      const measured = runs.get(key) ?? [];
      if (measured.length === 0) return null;
      const open = (dir: string) => new SqliteDatabase(path.join(dir, 'gateway.sqlite'), { readonly: true, fileMustExist: true });
      const client = open(gatewayDirs.hrss);
      const provider = open(gatewayDirs.psb);
      try {
        type Op = { message_id: string; request_in: number; request_out: number; response_in: number; response_out: number };
        const sums = new Map<string, number>();
        let n = 0;
        let clientTotal = 0;
        for (const run of measured) {
          const q = 'select message_id, request_in, request_out, response_in, response_out from operations where side = ? and request_in >= ? and response_out <= ? and status = 200';
          const providerOps = new Map((provider.prepare(q).all('provider', run.from, run.to) as Op[]).map((o) => [o.message_id, o]));
          for (const c of client.prepare(q).all('client', run.from, run.to) as Op[]) {
            const p = providerOps.get(c.message_id);
            if (!p) continue;
            const stage = (name: string, ms: number) => sums.set(name, (sums.get(name) ?? 0) + ms);
            stage('client-in', c.request_out - c.request_in);
            stage('to-provider', p.request_in - c.request_out);
            stage('provider-in', p.request_out - p.request_in);
            stage('backend', p.response_in - p.request_out);
            stage('provider-out', p.response_out - p.response_in);
            stage('commit-and-back', c.response_in - p.response_out);
            stage('client-out', c.response_out - c.response_in);
            clientTotal += c.response_out - c.request_in;
            n += 1;
          }
        }
        if (n === 0) return null;
        const wrkMean = measured.reduce((s, r) => s + r.meanMs * r.requests, 0) / measured.reduce((s, r) => s + r.requests, 0);
        return [...[...sums].map(([name, sum]) => ({ name, mean: sum / n })), { name: 'commit-and-reply', mean: wrkMean - clientTotal / n }];
      } finally {
        client.close();
        provider.close();
      }
    };

    // ---- the same with the logs on sqliteSync 'normal' -------------------------------------------
    if (WITH_NORMAL && SIZES.includes(1)) {
      await Promise.all([gateways.hrss.stop(), gateways.psb.stop()]);
      gateways = await startGateways('normal');
      for (let round = 1; round <= ROUNDS; round++) {
        const key = '1kb/two-gateways/sqlite-normal';
        add(key, await measure(`round ${round}/${ROUNDS} ${key}`, urlOf('two-gateways', 1), processesOf['two-gateways'], CONNECTIONS, SECONDS, round === 1 ? WARMUP : Math.min(WARMUP, 1)));
        if (WITH_LATENCY) add(`${key}/c1`, await measure(`round ${round}/${ROUNDS} ${key}/c1`, urlOf('two-gateways', 1), processesOf['two-gateways'], 1, LATENCY_SECONDS, 1));
      }
    }

    // ---- figures ---------------------------------------------------------------------------------
    const perRound = (a: Run[], b: Run[], f: (x: Run, y: Run) => number) => a.map((x, i) => f(x, b[i]!));
    const emitRuns = (key: string, list: Run[], loaded: boolean) => {
      if (loaded) emit(key, 'rps', median(list.map((r) => r.rps)), 'req/s');
      emit(key, 'p50_ms', median(list.map((r) => r.p50Ms)), 'ms');
      emit(key, 'p99_ms', median(list.map((r) => r.p99Ms)), 'ms');
    };
    for (const kb of SIZES) {
      const direct = runs.get(`${kb}kb/direct`)!;
      for (const c of cases) {
        const key = `${kb}kb/${c}`;
        const list = runs.get(key)!;
        emitRuns(key, list, true);
        if (c !== 'direct') {
          emit(key, 'ratio', median(perRound(list, direct, (x, y) => x.rps / y.rps)), `rps/${kb}kb/direct`);
          emit(key, 'added_p50_ms', median(perRound(list, direct, (x, y) => x.p50Ms - y.p50Ms)), 'ms');
        }
      }
      for (const c of cases) {
        const list = runs.get(`${kb}kb/${c}`)!;
        for (const p of Object.keys(list[0]!.cpu)) emit(`${kb}kb/${c}/cpu/${p}`, 'cpu_ms', median(list.map((r) => r.cpu[p]!)), 'ms/req');
      }
      for (const s of stagesOf(`${kb}kb/two-gateways`) ?? []) emit(`${kb}kb/two-gateways/stage/${s.name}`, 'mean_ms', s.mean, 'ms');
    }
    if (WITH_LATENCY) {
      const kb = SIZES.includes(1) ? 1 : SIZES[0]!;
      const direct = runs.get(`${kb}kb/direct/c1`)!;
      for (const c of cases) {
        const key = `${kb}kb/${c}/c1`;
        const list = runs.get(key)!;
        emitRuns(key, list, false);
        if (c !== 'direct') emit(key, 'added_p50_ms', median(perRound(list, direct, (x, y) => x.p50Ms - y.p50Ms)), 'ms');
      }
      // With nothing queueing, the stages are what one exchange costs.
      for (const s of stagesOf(`${kb}kb/two-gateways/c1`) ?? []) emit(`${kb}kb/two-gateways/c1/stage/${s.name}`, 'mean_ms', s.mean, 'ms');
    }
    const normal = runs.get('1kb/two-gateways/sqlite-normal');
    if (normal) {
      const key = '1kb/two-gateways/sqlite-normal';
      emitRuns(key, normal, true);
      const direct = runs.get('1kb/direct')!;
      emit(key, 'ratio', median(normal.map((r) => r.rps)) / median(direct.map((r) => r.rps)), 'rps/1kb/direct (medians)');
      emit(key, 'added_p50_ms', median(normal.map((r) => r.p50Ms)) - median(direct.map((r) => r.p50Ms)), 'ms');
      for (const p of Object.keys(normal[0]!.cpu)) emit(`${key}/cpu/${p}`, 'cpu_ms', median(normal.map((r) => r.cpu[p]!)), 'ms/req');
      for (const s of stagesOf(key) ?? []) emit(`${key}/stage/${s.name}`, 'mean_ms', s.mean, 'ms');
      const c1 = runs.get(`${key}/c1`);
      if (c1) {
        emitRuns(`${key}/c1`, c1, false);
        emit(`${key}/c1`, 'added_p50_ms', median(c1.map((r) => r.p50Ms)) - median(runs.get('1kb/direct/c1')!.map((r) => r.p50Ms)), 'ms');
      }
    }
    if (profDir) progress(`CPU profiles of the gateways will be in ${profDir}`);
    progress('done');
  } finally {
    for (const cleanup of cleanups.reverse()) await cleanup().catch((error: Error) => progress(`cleanup: ${error.message}`));
    killStarted();
    rmSync(work, { recursive: true, force: true });
  }
}

// ---------------------------------------------------------------------------------------------

if (process.argv[2] === '--child') {
  if (process.argv[3] === 'backend') await backendChild();
  else await gatewayChild();
} else {
  // Whatever ends the bench ends what it started.
  process.on('exit', () => {
    killStarted();
    if (workDir) rmSync(workDir, { recursive: true, force: true });
  });
  for (const signal of ['SIGINT', 'SIGTERM'] as const) process.on(signal, () => process.exit(130));
  await main();
}
