import { connect } from 'node:net';
import { isLocalHostname } from '@app/env';
import { WebSocketServer } from 'ws';

export interface WsProxy {
  port: number;
  close(): Promise<void>;
}

/**
 * The WebSocket→TCP bridge the Neon driver needs in front of a plain PostgreSQL (docs/platform.md#neon-local):
 * the driver opens `ws://HOST:PORT/v1?address=pghost:pgport` and speaks the Postgres protocol in
 * binary frames. Neon's cloud runs its own; this one is for local databases only, so it listens on
 * loopback and refuses to reach anything but this machine.
 */
export async function startWsProxy({ port = 0, host = '127.0.0.1' } = {}): Promise<WsProxy> {
  const server = new WebSocketServer({ port, host });
  server.on('connection', function bridge(socket, request) {
    const address = new URL(request.url ?? '/', 'ws://proxy').searchParams.get('address') ?? '';
    const separator = address.lastIndexOf(':');
    const targetHost = address.slice(0, separator);
    const targetPort = Number(address.slice(separator + 1));
    if (separator < 0 || !isLocalHostname(targetHost) || !Number.isInteger(targetPort)) {
      socket.close(1008, 'only local databases are proxied');
      return;
    }
    const tcp = connect({ host: targetHost, port: targetPort });
    tcp.setNoDelay(true);
    let connected = false;
    tcp.on('connect', () => {
      connected = true;
    });
    tcp.on('data', (chunk) => socket.send(chunk));
    tcp.on('close', () => socket.close());
    tcp.on('error', (error: NodeJS.ErrnoException) => {
      // Neon's proxy answers a database it cannot reach with a PostgreSQL error; so does this one,
      // so the driver can tell "unreachable" from a connection that dropped.
      if (!connected) socket.send(errorResponse('08001', `could not connect to ${address}: ${error.code ?? 'error'}`));
      socket.close();
    });
    socket.on('message', (data) => tcp.write(data as Buffer));
    socket.on('close', () => tcp.destroy());
    socket.on('error', () => tcp.destroy());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', resolve);
    server.once('error', reject);
  });
  const address = server.address();
  return {
    port: typeof address === 'object' && address !== null ? address.port : port,
    close: () =>
      new Promise<void>((resolve) => {
        for (const client of server.clients) client.terminate();
        server.close(() => resolve());
      }),
  };
}

/** A PostgreSQL ErrorResponse message (protocol 3): severity, SQLSTATE and message fields. */
function errorResponse(sqlState: string, message: string): Buffer {
  const fields = Buffer.from(`SERROR\0VERROR\0C${sqlState}\0M${message}\0\0`, 'utf8');
  const header = Buffer.alloc(5);
  header.write('E', 0);
  header.writeInt32BE(fields.length + 4, 1);
  return Buffer.concat([header, fields]);
}
