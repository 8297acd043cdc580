import http from 'node:http';
import net from 'node:net';

/** A received request of the SMS webhook, as the gateway would see it. */
export interface WebhookRequest {
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface Webhook {
  url: string;
  seen: WebhookRequest[];
  /** What the gateway answers next: 200 unless told. */
  status: number;
  close(): Promise<void>;
}

/** A real HTTP server standing in for an SMS gateway: it records each request and answers with `status`. */
export async function smsGateway(): Promise<Webhook> {
  const hook: Webhook = {
    url: '', seen: [], status: 200,
    close: () => new Promise<void>((resolve) => { server.closeAllConnections(); server.close(() => resolve()); }),
  };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const body = Buffer.concat(chunks).toString('utf8');
      hook.seen.push({ headers: req.headers, body });
      res.writeHead(hook.status, { 'content-type': 'application/json' });
      // Like real gateways, its errors name the number it could not text.
      const to = (JSON.parse(body) as { to?: string }).to;
      res.end(JSON.stringify(hook.status < 300 ? { id: `gw-${hook.seen.length}` } : { error: 'gateway overloaded', to }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  hook.url = `http://127.0.0.1:${(server.address() as net.AddressInfo).port}/sms`;
  return hook;
}

export interface Mail {
  from: string;
  to: string[];
  headers: Record<string, string>;
  /** The body, transfer encoding undone. */
  text: string;
}

export interface SmtpReceiver {
  url: string;
  mails: Mail[];
  close(): Promise<void>;
}

/**
 * A small real SMTP server (RFC 5321 without extensions beyond 8BITMIME): enough for a client to
 * deliver to it over a socket exactly as it would to the city's mail server.
 */
export async function smtpReceiver(): Promise<SmtpReceiver> {
  const mails: Mail[] = [];
  const sockets = new Set<net.Socket>();
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.setEncoding('utf8');
    let buffer = '';
    let from = '';
    let to: string[] = [];
    let data: string[] | null = null;
    const reply = (line: string) => socket.write(`${line}\r\n`);
    reply('220 localhost ESMTP test');
    socket.on('data', (chunk: string) => {
      buffer += chunk;
      let end: number;
      while ((end = buffer.indexOf('\r\n')) >= 0) {
        const line = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        if (data) {
          if (line === '.') {
            mails.push({ from, to, ...parseMessage(data.join('\r\n')) });
            data = null;
            reply('250 2.0.0 queued');
          } else {
            data.push(line.startsWith('..') ? line.slice(1) : line);
          }
          continue;
        }
        const verb = line.slice(0, 4).toUpperCase();
        if (verb === 'EHLO') { reply('250-localhost'); reply('250 8BITMIME'); }
        else if (verb === 'HELO' || verb === 'NOOP') reply('250 OK');
        else if (verb === 'RSET') { from = ''; to = []; reply('250 OK'); }
        else if (verb === 'MAIL') { from = /<([^>]*)>/.exec(line)?.[1] ?? ''; to = []; reply('250 OK'); }
        else if (verb === 'RCPT') { to.push(/<([^>]*)>/.exec(line)?.[1] ?? ''); reply('250 OK'); }
        else if (verb === 'DATA') { data = []; reply('354 end with .'); }
        else if (verb === 'QUIT') { reply('221 bye'); socket.end(); }
        else reply('502 not implemented');
      }
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `smtp://127.0.0.1:${(server.address() as net.AddressInfo).port}`,
    mails,
    close: () => new Promise<void>((resolve) => { for (const s of sockets) s.destroy(); server.close(() => resolve()); }),
  };
}

function parseMessage(raw: string): { headers: Record<string, string>; text: string } {
  const split = raw.indexOf('\r\n\r\n');
  const head = raw.slice(0, split).replace(/\r\n[ \t]+/g, ' ');
  const body = raw.slice(split + 4);
  const headers: Record<string, string> = {};
  for (const line of head.split('\r\n')) {
    const colon = line.indexOf(':');
    if (colon > 0) headers[line.slice(0, colon).toLowerCase()] = line.slice(colon + 1).trim();
  }
  const encoding = (headers['content-transfer-encoding'] ?? '').toLowerCase();
  let text = body;
  if (encoding === 'base64') text = Buffer.from(body.replace(/\s+/g, ''), 'base64').toString('utf8');
  else if (encoding === 'quoted-printable') {
    const soft = body.replace(/=\r\n/g, '');
    const bytes: number[] = [];
    for (let i = 0; i < soft.length; i++) {
      const hex = soft.slice(i + 1, i + 3);
      if (soft[i] === '=' && /^[0-9A-F]{2}$/i.test(hex)) { bytes.push(parseInt(hex, 16)); i += 2; } else bytes.push(...Buffer.from(soft[i]!, 'utf8'));
    }
    text = Buffer.from(bytes).toString('utf8');
  }
  return { headers, text };
}
