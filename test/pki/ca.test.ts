// @peculiar/x509 is imported here before ca.ts, so the reflect polyfill must come first here too.
import 'reflect-metadata';
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { KeyObject, X509Certificate, createPrivateKey, createPublicKey, webcrypto } from 'node:crypto';
import { chmod, mkdtemp, readFile, readdir, rm, stat, unlink, writeFile } from 'node:fs/promises';
import https from 'node:https';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { TLSSocket } from 'node:tls';
import { fileURLToPath, pathToFileURL } from 'node:url';
import * as x509 from '@peculiar/x509';
import fc from 'fast-check';
import {
  CA_CERTIFICATE_FILE,
  CA_KEY_FILE,
  type CertificateAuthority,
  CertificateAuthorityError,
  CertificateRequestError,
  createKeyAndCsr,
  issueCertificate,
  issueServerCertificate,
  loadCertificateAuthority,
} from '../../src/pki/ca.ts';
import { CertificateError, certificateInfo, fingerprintOfDer, verifyIssuedBy } from '../../src/pki/certificates.ts';
import { writePrivateFile } from '../../src/pki/files.ts';

const CA_MODULE = fileURLToPath(new URL('../../src/pki/ca.ts', import.meta.url));
const DAY = 86_400_000;

const folders: string[] = [];
async function tempDir(): Promise<string> {
  const dir = await mkdtemp(path.join(tmpdir(), 'egov-ca-'));
  folders.push(dir);
  return dir;
}
after(async () => {
  await Promise.all(folders.map((d) => rm(d, { recursive: true, force: true })));
});

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
}

describe('the hub CA on disk', () => {
  it('is created once, then the same CA is loaded again', async () => {
    const dir = await tempDir();
    const first = await loadCertificateAuthority(dir, { name: 'Wuhan' });
    const second = await loadCertificateAuthority(dir, { name: 'ignored on reload' });
    assert.equal(second.fingerprint, first.fingerprint);
    assert.equal(second.certificatePem, first.certificatePem);
    assert.equal(first.commonName, 'Wuhan Extranet CA');
    assert.match(first.fingerprint, /^[0-9a-f]{64}$/);
    assert.deepEqual((await readdir(dir)).sort(), [CA_CERTIFICATE_FILE, CA_KEY_FILE].sort(), 'no temporary file is left behind');

    const node = new X509Certificate(first.certificatePem);
    assert.equal(node.ca, true);
    assert.equal(node.subject, 'CN=Wuhan Extranet CA');
    assert.equal(fingerprintOfDer(node.raw), first.fingerprint);
    const years = (Date.parse(node.validTo) - Date.parse(node.validFrom)) / (365.25 * DAY);
    assert.ok(years > 9.99 && years < 10.01, `valid for ${years} years`);
    // pathlen 0 and the key usages, read back with the other parser.
    const peculiar = new x509.X509Certificate(first.certificatePem);
    const bc = peculiar.getExtension(x509.BasicConstraintsExtension)!;
    assert.equal(bc.ca, true);
    assert.equal(bc.pathLength, 0);
    assert.equal(bc.critical, true);
    assert.equal(peculiar.getExtension(x509.KeyUsagesExtension)!.usages, x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign);
    assert.equal(new X509Certificate(first.certificatePem).publicKey.asymmetricKeyType, 'ed25519');
  });

  it('keeps the key 0600 and the certificate not writable by others', async () => {
    const dir = await tempDir();
    await loadCertificateAuthority(dir);
    assert.equal((await stat(path.join(dir, CA_KEY_FILE))).mode & 0o777, 0o600);
    assert.equal((await stat(path.join(dir, CA_CERTIFICATE_FILE))).mode & 0o022, 0);
    // A restore that loosened the key's mode is tightened again on the next load.
    await chmod(path.join(dir, CA_KEY_FILE), 0o644);
    await loadCertificateAuthority(dir);
    assert.equal((await stat(path.join(dir, CA_KEY_FILE))).mode & 0o777, 0o600);
  });

  it('refuses a corrupt key file, names it, and leaves both files as they were', async () => {
    const dir = await tempDir();
    const ca = await loadCertificateAuthority(dir);
    const keyFile = path.join(dir, CA_KEY_FILE);
    await writeFile(keyFile, '-----BEGIN PRIVATE KEY-----\nbm90IGEga2V5\n-----END PRIVATE KEY-----\n');
    await assert.rejects(loadCertificateAuthority(dir), (error: Error) => {
      assert.ok(error instanceof CertificateAuthorityError);
      assert.match(error.message, /hub-ca-key\.pem: is not a PEM private key/);
      return true;
    });
    assert.match(await readFile(keyFile, 'utf8'), /bm90IGEga2V5/, 'the corrupt key was not replaced');
    assert.equal(await readFile(path.join(dir, CA_CERTIFICATE_FILE), 'utf8'), ca.certificatePem);
  });

  it('refuses a corrupt certificate, a key of the wrong kind, and a key that is not the certificate\'s', async () => {
    const dir = await tempDir();
    await loadCertificateAuthority(dir);
    const certFile = path.join(dir, CA_CERTIFICATE_FILE);
    const keyFile = path.join(dir, CA_KEY_FILE);
    const goodCert = await readFile(certFile, 'utf8');
    const goodKey = await readFile(keyFile, 'utf8');

    await writeFile(certFile, 'garbage');
    await assert.rejects(loadCertificateAuthority(dir), /hub-ca\.pem: cannot be read as a certificate/);
    assert.equal(await readFile(certFile, 'utf8'), 'garbage');
    await writeFile(certFile, goodCert);

    const other = await tempDir();
    await loadCertificateAuthority(other);
    await writeFile(keyFile, await readFile(path.join(other, CA_KEY_FILE), 'utf8'));
    await assert.rejects(loadCertificateAuthority(dir), /hub-ca\.pem: is not the certificate of the key in .*hub-ca-key\.pem/);

    const { privateKey } = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    await writeFile(keyFile, KeyObject.from(privateKey).export({ type: 'pkcs8', format: 'pem' }));
    await assert.rejects(loadCertificateAuthority(dir), /hub-ca-key\.pem: is a ec key, expected Ed25519/);

    await writeFile(keyFile, goodKey);
    await loadCertificateAuthority(dir);
  });

  it('refuses to make a new key when the certificate exists without it, and remakes a lost certificate for the same key', async () => {
    const dir = await tempDir();
    const first = await loadCertificateAuthority(dir);
    const key = await readFile(path.join(dir, CA_KEY_FILE), 'utf8');
    await unlink(path.join(dir, CA_KEY_FILE));
    await assert.rejects(loadCertificateAuthority(dir), /hub-ca-key\.pem: is missing while .*hub-ca\.pem exists/);
    await writeFile(path.join(dir, CA_KEY_FILE), key, { mode: 0o600 });

    // A crash between writing the key and the certificate leaves this state.
    await unlink(path.join(dir, CA_CERTIFICATE_FILE));
    const again = await loadCertificateAuthority(dir);
    assert.notEqual(again.fingerprint, first.fingerprint);
    assert.ok(new X509Certificate(again.certificatePem).publicKey.equals(new X509Certificate(first.certificatePem).publicKey));
    assert.equal(await readFile(path.join(dir, CA_KEY_FILE), 'utf8'), key);
  });

  it('ends with one CA when loads race in one process', async () => {
    const dir = await tempDir();
    const all = await Promise.all(Array.from({ length: 8 }, () => loadCertificateAuthority(dir)));
    assert.equal(new Set(all.map((ca) => ca.fingerprint)).size, 1);
    assert.equal((await loadCertificateAuthority(dir)).fingerprint, all[0]!.fingerprint);
    assert.deepEqual((await readdir(dir)).sort(), [CA_CERTIFICATE_FILE, CA_KEY_FILE].sort());
  });

  it('ends with one CA when two processes start at once', async () => {
    const dir = await tempDir();
    // Each child loads the module first and then waits for "go", so both loads really overlap
    // instead of being a second apart by start-up time.
    const script = `import { loadCertificateAuthority } from ${JSON.stringify(pathToFileURL(CA_MODULE).href)};
      process.stdout.write('ready\\n');
      process.stdin.once('data', async () => {
        const ca = await loadCertificateAuthority(process.argv[1]);
        process.stdout.write(ca.fingerprint);
        process.stdin.destroy();
      });`;
    const children = [0, 1].map(() => {
      const child = spawn(process.execPath, ['--import', 'tsx', '--input-type=module', '-e', script, dir], { stdio: ['pipe', 'pipe', 'pipe'] });
      let out = '';
      let err = '';
      const ready = new Promise<void>((resolve) => child.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        if (out.startsWith('ready\n')) resolve();
      }));
      child.stderr.on('data', (d: Buffer) => { err += d.toString(); });
      const done = new Promise<string>((resolve, reject) => {
        child.on('error', reject);
        child.on('close', (code) => (code === 0 ? resolve(out.slice('ready\n'.length)) : reject(new Error(`exit ${code}: ${err}`))));
      });
      return { child, ready, done };
    });
    await Promise.all(children.map((c) => c.ready));
    for (const { child } of children) child.stdin.write('go\n');
    const [a, b] = await Promise.all(children.map((c) => c.done));
    assert.match(a!, /^[0-9a-f]{64}$/);
    assert.equal(a, b);
    assert.equal((await loadCertificateAuthority(dir)).fingerprint, a);
  });

  it('writes a private file 0600 in a 0700 folder, replacing the old one whole', async () => {
    const dir = await tempDir();
    const file = path.join(dir, 'gateway', 'keys', 'gateway-key.pem');
    await writePrivateFile(file, 'first');
    await writePrivateFile(file, 'second');
    assert.equal(await readFile(file, 'utf8'), 'second');
    assert.equal((await stat(file)).mode & 0o777, 0o600);
    assert.equal((await stat(path.dirname(file))).mode & 0o777, 0o700);
    assert.deepEqual(await readdir(path.dirname(file)), ['gateway-key.pem']);
  });
});

describe('issuing certificates', () => {
  let ca: CertificateAuthority;
  let foreign: CertificateAuthority;
  before(async () => {
    ca = await loadCertificateAuthority(await tempDir(), { name: 'Test City' });
    foreign = await loadCertificateAuthority(await tempDir(), { name: 'Elsewhere' });
  });

  it('issues a leaf with the hub\'s subject, SAN, EKU and validity, which verifies against the CA', async () => {
    const { csrPem, privateKeyPem } = await createKeyAndCsr({ commonName: 'I am the hub', organization: 'Evil', organizationalUnit: 'x' });
    // Issued after the CA was made (it is made now, valid from now), so the CA's validity covers the check below.
    const now = new Date(Math.ceil(Date.now() / 60_000) * 60_000 + 3_600_000);
    const issued = await issueCertificate(ca, csrPem, {
      commonName: 'gw-public-security',
      organization: '市公安局, Data',
      dnsNames: ['gw1.example.gov.cn'],
      ipAddresses: ['10.1.2.3', '::1'],
      validDays: 30,
      now,
    });
    assert.equal(issued.commonName, 'gw-public-security');
    assert.equal(issued.subject, 'O=市公安局\\, Data, CN=gw-public-security');
    assert.equal(issued.notBefore.toISOString(), new Date(now.getTime() - 5 * 60_000).toISOString(), 'five minutes of clock skew allowed');
    assert.equal(issued.notAfter.toISOString(), new Date(now.getTime() + 30 * DAY).toISOString());
    assert.match(issued.serial, /^[0-7][0-9a-f]{31}$/);
    assert.match(issued.fingerprint, /^[0-9a-f]{64}$/);

    // Read back by OpenSSL, not by the library that wrote it.
    const node = new X509Certificate(issued.pem);
    assert.equal(node.subject, 'O=市公安局\\, Data\nCN=gw-public-security');
    assert.equal(node.issuer, 'CN=Test City Extranet CA');
    assert.equal(node.subjectAltName, 'DNS:gw1.example.gov.cn, IP Address:10.1.2.3, IP Address:0:0:0:0:0:0:0:1');
    assert.deepEqual(node.keyUsage, ['1.3.6.1.5.5.7.3.1', '1.3.6.1.5.5.7.3.2']);
    assert.equal(node.ca, false);
    assert.equal(node.serialNumber.toLowerCase(), issued.serial);
    assert.equal(fingerprintOfDer(node.raw), issued.fingerprint);
    // The certificate is for the CSR's key: the key the gateway kept.
    assert.ok(node.checkPrivateKey(createPrivateKey(privateKeyPem)));
    assert.ok(issued.publicKey.equals(createPublicKey(createPrivateKey(privateKeyPem))));

    const peculiar = new x509.X509Certificate(issued.pem);
    assert.equal(peculiar.getExtension(x509.KeyUsagesExtension)!.usages, x509.KeyUsageFlags.digitalSignature);
    const caSki = new x509.X509Certificate(ca.certificatePem).getExtension(x509.SubjectKeyIdentifierExtension)!.keyId;
    assert.equal(peculiar.getExtension(x509.AuthorityKeyIdentifierExtension)!.keyId, caSki);
    assert.ok(peculiar.getExtension(x509.SubjectKeyIdentifierExtension)!.keyId);

    assert.equal(await verifyIssuedBy(issued.pem, ca.certificatePem, new Date(now.getTime() + DAY)), true);
    assert.equal(await verifyIssuedBy(issued.pem, foreign.certificatePem, new Date(now.getTime() + DAY)), false);
    assert.deepEqual({ ...certificateInfo(issued.pem), publicKey: null }, { ...issued, publicKey: null });
  });

  it('checks the validity window of the leaf and of the CA', async () => {
    const { csrPem } = await createKeyAndCsr({ commonName: 'gw' });
    const now = new Date();
    const issued = await issueCertificate(ca, csrPem, { commonName: 'gw', validDays: 1, now });
    assert.equal(await verifyIssuedBy(issued.pem, ca.certificatePem), true);
    assert.equal(await verifyIssuedBy(issued.pem, ca.certificatePem, new Date(now.getTime() + DAY / 2)), true);
    assert.equal(await verifyIssuedBy(issued.pem, ca.certificatePem, new Date(now.getTime() + 2 * DAY)), false, 'expired');
    assert.equal(await verifyIssuedBy(issued.pem, ca.certificatePem, new Date(now.getTime() - 10 * 60_000)), false, 'not yet valid');
    const outlivesCa = await issueCertificate(ca, csrPem, { commonName: 'gw', validDays: 20 * 365 });
    assert.equal(await verifyIssuedBy(outlivesCa.pem, ca.certificatePem, new Date(Date.now() + 11 * 365 * DAY)), false, 'the CA itself has expired');
    // A leaf is not a CA, even though its key signed nothing else.
    assert.equal(await verifyIssuedBy(issued.pem, issued.pem), false);
  });

  it('ignores a look-alike CA object and refuses bad options with a clear error', async () => {
    const { csrPem } = await createKeyAndCsr({ commonName: 'gw' });
    await assert.rejects(issueCertificate({ ...ca }, csrPem, { commonName: 'gw', validDays: 1 }), /needs a CA from loadCertificateAuthority/);
    await assert.rejects(issueCertificate(ca, csrPem, { commonName: 'gw', validDays: 0 }), CertificateError);
    await assert.rejects(issueCertificate(ca, csrPem, { commonName: '', validDays: 1 }), /common name must be 1 to 64 characters/);
    await assert.rejects(issueCertificate(ca, csrPem, { commonName: 'a\nb', validDays: 1 }), /common name/);
    await assert.rejects(issueCertificate(ca, csrPem, { commonName: 'gw', validDays: 1, dnsNames: ['not a host'] }), /"not a host" is not a hostname/);
    await assert.rejects(issueCertificate(ca, csrPem, { commonName: 'gw', validDays: 1, ipAddresses: ['10.0.0.256'] }), /"10.0.0.256" is not an IP address/);
  });

  it('refuses a tampered CSR, garbage, and a CSR for another algorithm with CertificateRequestError', async () => {
    const { csrPem } = await createKeyAndCsr({ commonName: 'gw' });
    const der = Buffer.from(x509.PemConverter.decodeFirst(csrPem));
    der[der.length - 1]! ^= 0x01; // the last byte is inside the Ed25519 signature
    const tampered = x509.PemConverter.encode(der, 'CERTIFICATE REQUEST');
    const options = { commonName: 'gw', validDays: 1 };
    const rejectsWith = (pem: string, message: RegExp) => assert.rejects(issueCertificate(ca, pem, options), (error: Error) => {
      assert.ok(error instanceof CertificateRequestError, `${error.name}: ${error.message}`);
      assert.match(error.message, message);
      return true;
    });
    await rejectsWith(tampered, /^certificate request: its signature does not verify/);
    await rejectsWith('hello', /is not a PEM certificate request/);
    await rejectsWith('-----BEGIN CERTIFICATE REQUEST-----\nAAAA\n-----END CERTIFICATE REQUEST-----\n', /cannot be read as PKCS#10/);
    await rejectsWith(`-----BEGIN CERTIFICATE REQUEST-----\n${'A'.repeat(20_000)}\n-----END CERTIFICATE REQUEST-----\n`, /more than the 16384 accepted/);
    await rejectsWith(ca.certificatePem.replaceAll('CERTIFICATE', 'CERTIFICATE REQUEST'), /cannot be read as PKCS#10/);

    const ecKeys = await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-256' }, false, ['sign', 'verify']);
    const ecCsr = await x509.Pkcs10CertificateRequestGenerator.create({
      name: 'CN=gw',
      keys: ecKeys as unknown as x509.Pkcs10CertificateRequestCreateParams['keys'],
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
    });
    await rejectsWith(ecCsr.toString('pem'), /its key is ec; the extranet issues Ed25519 certificates only/);
  });

  it('refuses what is not a certificate with CertificateError', async () => {
    assert.throws(() => certificateInfo('garbage'), CertificateError);
    assert.throws(() => certificateInfo('-----BEGIN CERTIFICATE-----\nAAAA\n-----END CERTIFICATE-----\n'), /^CertificateError: certificate: cannot be read/);
    await assert.rejects(verifyIssuedBy('garbage', ca.certificatePem), CertificateError);
  });

  it('round-trips any common name and organization, commas and plus signs included', async () => {
    const { csrPem } = await createKeyAndCsr({ commonName: 'gw' });
    // Values @peculiar/x509 would otherwise parse: "#hex" as DER, quotes and backslash escapes.
    for (const tricky of ['#0c03414243', '#', '"quoted"', 'a\\,b', 'CN=x+O=y']) {
      const issued = await issueCertificate(ca, csrPem, { commonName: tricky, organization: tricky, validDays: 1 });
      assert.equal(issued.commonName, tricky);
      assert.deepEqual(new x509.X509Certificate(issued.pem).subjectName.getField('O'), [tricky]);
    }
    const name = fc.string({ unit: 'grapheme', minLength: 1, maxLength: 64 })
      .filter((s) => s.trim() !== '' && [...s].length <= 64 && !/\p{Cc}/u.test(s));
    await fc.assert(fc.asyncProperty(name, name, async (commonName, organization) => {
      const issued = await issueCertificate(ca, csrPem, { commonName, organization, validDays: 1 });
      const parsed = new x509.X509Certificate(issued.pem).subjectName;
      assert.deepEqual(parsed.getField('CN'), [commonName]);
      assert.deepEqual(parsed.getField('O'), [organization]);
      assert.equal(issued.commonName, commonName);
    }), { numRuns: 100 });
  });

  it('gives every certificate its own serial (and times issuing)', async (t) => {
    const csrs = await Promise.all(Array.from({ length: 50 }, (_, i) => createKeyAndCsr({ commonName: `gw-${i}` })));
    const times: number[] = [];
    const serials = new Set<string>();
    for (const [i, { csrPem }] of csrs.entries()) {
      const start = performance.now();
      const issued = await issueCertificate(ca, csrPem, { commonName: `gw-${i}`, validDays: 365 });
      times.push(performance.now() - start);
      serials.add(issued.serial);
    }
    assert.equal(serials.size, 50);
    t.diagnostic(`issueCertificate median of 50: ${median(times).toFixed(2)} ms`);
  });
});

describe('mutual TLS with the hub CA', () => {
  let ca: CertificateAuthority;
  let foreign: CertificateAuthority;
  let server: { privateKeyPem: string; certificatePem: string };
  before(async () => {
    ca = await loadCertificateAuthority(await tempDir(), { name: 'Test City' });
    foreign = await loadCertificateAuthority(await tempDir(), { name: 'Elsewhere' });
    server = await issueServerCertificate(ca, { hostnames: ['localhost'], ipAddresses: ['127.0.0.1'], validDays: 1 });
  });

  async function client(authority: CertificateAuthority, commonName: string) {
    const { privateKeyPem, csrPem } = await createKeyAndCsr({ commonName });
    const issued = await issueCertificate(authority, csrPem, { commonName, validDays: 1 });
    return { key: privateKeyPem, cert: issued.pem, fingerprint: issued.fingerprint };
  }

  async function withServer(credentials: { privateKeyPem: string; certificatePem: string }, test: (port: number) => Promise<void>) {
    const listener = https.createServer({
      key: credentials.privateKeyPem,
      cert: credentials.certificatePem,
      ca: [ca.certificatePem],
      requestCert: true,
      rejectUnauthorized: true,
      minVersion: 'TLSv1.3',
    }, (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerCertificate();
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ fingerprint: fingerprintOfDer(peer.raw), cn: peer.subject.CN, authorized: socket.authorized, protocol: socket.getProtocol() }));
    });
    await new Promise<void>((resolve) => listener.listen(0, '127.0.0.1', resolve));
    try {
      await test((listener.address() as { port: number }).port);
    } finally {
      listener.closeAllConnections();
      await new Promise((resolve) => listener.close(resolve));
    }
  }

  function get(port: number, tls: { ca: string; key?: string; cert?: string }): Promise<Record<string, unknown>> {
    return new Promise((resolve, reject) => {
      const req = https.request({ host: '127.0.0.1', port, path: '/', agent: false, timeout: 5000, ...tls }, (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (chunk: string) => { body += chunk; });
        res.on('end', () => resolve(JSON.parse(body) as Record<string, unknown>));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new Error('timed out')));
      req.on('error', reject);
      req.end();
    });
  }

  // Under TLS 1.3 the server's refusal reaches the client as different errors (an alert, or a
  // bare reset) after the handshake, so only "it failed, and not by timing out" is asserted.
  const rejected = (error: Error) => error.message !== 'timed out';

  it('lets a client with a CA-issued certificate in, and the server sees its fingerprint', async () => {
    const gateway = await client(ca, 'gw-tax');
    await withServer(server, async (port) => {
      const seen = await get(port, { ca: ca.certificatePem, key: gateway.key, cert: gateway.cert });
      assert.deepEqual(seen, { fingerprint: gateway.fingerprint, cn: 'gw-tax', authorized: true, protocol: 'TLSv1.3' });
    });
  });

  it('rejects a client without a certificate', async () => {
    await withServer(server, async (port) => {
      await assert.rejects(get(port, { ca: ca.certificatePem }), rejected);
    });
  });

  it('rejects a client certificate from a foreign CA', async () => {
    const intruder = await client(foreign, 'gw-tax');
    await withServer(server, async (port) => {
      await assert.rejects(get(port, { ca: ca.certificatePem, key: intruder.key, cert: intruder.cert }), rejected);
    });
  });

  it('lets the client reject a server whose certificate is from a foreign CA', async () => {
    const gateway = await client(ca, 'gw-tax');
    const impostor = await issueServerCertificate(foreign, { hostnames: ['localhost'], ipAddresses: ['127.0.0.1'], validDays: 1 });
    await withServer(impostor, async (port) => {
      await assert.rejects(get(port, { ca: ca.certificatePem, key: gateway.key, cert: gateway.cert }), (error: NodeJS.ErrnoException) => {
        assert.equal(error.code, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
        return true;
      });
    });
  });
});
