import { createServer } from 'node:net';

/**
 * A TCP port to listen on later, for roles that must announce their address before they listen
 * (the hub's URLs, a gateway's enrolment). Chosen at random below Linux's ephemeral range
 * (32768 and up), where outgoing connections take their ports, and tried before it is returned;
 * a port the kernel handed out as "free" could go to the next outgoing connection instead.
 */
export async function choosePort(host = '127.0.0.1'): Promise<number> {
  for (let attempt = 0; attempt < 100; attempt += 1) {
    const port = 20_000 + Math.floor(Math.random() * 12_000);
    if (await bindable(port, host)) return port;
  }
  throw new Error('no free TCP port between 20000 and 32000');
}

function bindable(port: number, host: string): Promise<boolean> {
  return new Promise((resolve) => {
    const server = createServer();
    server.once('error', () => resolve(false));
    server.listen(port, host, () => server.close(() => resolve(true)));
  });
}
