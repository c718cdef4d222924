import type { ChildProcess } from 'node:child_process';
import { execFileSync, spawn } from 'node:child_process';
import { accessSync, constants } from 'node:fs';
import { chmod, chown, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import { delimiter, join } from 'node:path';
import { freePort } from './free-port.ts';

/**
 * Neon's own pooler settings (the `-pooler` endpoint is PgBouncer; its compute image configures it
 * so): transaction pooling, no protocol-level prepared statements, only `extra_float_digits`
 * ignored among the start-up parameters PgBouncer does not track — any other is refused at once.
 * docs/database.md#the-pooler says what that forbids.
 */
export const neonPoolerSettings = {
  pool_mode: 'transaction',
  default_pool_size: '64',
  max_client_conn: '10000',
  ignore_startup_parameters: 'extra_float_digits',
} as const;

/** How to install it, for the one line printed where it is missing. */
export const installHint = 'apt-get install pgbouncer (Debian/Ubuntu) or brew install pgbouncer (macOS)';

/** The `pgbouncer` binary: `PGBOUNCER`, else the usual places, else PATH; undefined when there is none. */
export function findPgBouncer(): string | undefined {
  const places = [
    process.env.PGBOUNCER,
    '/usr/sbin/pgbouncer',
    '/usr/bin/pgbouncer',
    '/opt/homebrew/bin/pgbouncer',
    '/usr/local/bin/pgbouncer',
    ...(process.env.PATH ?? '').split(delimiter).map((dir) => join(dir, 'pgbouncer')),
  ];
  return places.find((place) => {
    if (!place) return false;
    try {
      accessSync(place, constants.X_OK);
      return true;
    } catch {
      return false;
    }
  });
}

export interface PgBouncerOptions {
  /** The server it pools for (`postgres://user[:password]@host:port/db`): its user may connect, unless `users` is given. */
  upstream: string;
  /** The users who may connect instead, with their passwords (checked with SCRAM, as Neon's pooler does). */
  users?: Record<string, string>;
  /** @default neonPoolerSettings.default_pool_size (64) */
  poolSize?: number;
  /** Hands its process to a watchdog (lifeline.ts). */
  guard?: (child: ChildProcess) => void;
}

export interface PgBouncer {
  port: number;
  /** `url` with its host and port replaced by the pooler's. */
  pooled(url: string): string;
  /** Replaces the users' passwords (a rotation) and makes PgBouncer re-read them (SIGHUP). */
  setUsers(users: Record<string, string>): Promise<void>;
  stop(): Promise<void>;
}

/**
 * A real PgBouncer with Neon's pooler settings in front of `upstream`, on a free loopback port, its
 * configuration in a temporary folder. PgBouncer refuses to run as root: as root it runs as the
 * `postgres` user (or `nobody`).
 */
export async function startPgBouncer({ upstream, users, poolSize, guard }: PgBouncerOptions): Promise<PgBouncer> {
  const binary = findPgBouncer();
  if (binary === undefined) throw new Error(`PgBouncer is not installed: ${installHint}`);
  const target = new URL(upstream);
  const allUsers =
    users === undefined ? { [decodeURIComponent(target.username)]: decodeURIComponent(target.password) } : users;
  const port = await freePort();
  const dir = await mkdtemp(join(tmpdir(), 'app-pgbouncer-'));
  const owner = unprivilegedOwner();
  const file = async (name: string, text: string) => {
    await writeFile(join(dir, name), text, { mode: 0o600 });
    if (owner) await chown(join(dir, name), owner.uid, owner.gid);
  };
  if (owner) await chown(dir, owner.uid, owner.gid);
  await chmod(dir, 0o700);
  const writeUsers = (list: Record<string, string>) =>
    file(
      'users.txt',
      Object.entries(list)
        .map(([user, password]) => `${quote(user)} ${quote(password)}\n`)
        .join(''),
    );
  await writeUsers(allUsers);
  await file('pgbouncer.ini', configuration({ target, port, dir, users: allUsers, poolSize }));

  const child = spawn(binary, [join(dir, 'pgbouncer.ini')], {
    stdio: ['ignore', 'ignore', 'pipe'],
    detached: true,
    ...(owner ? { uid: owner.uid, gid: owner.gid } : {}),
  });
  guard?.(child);
  let stderr = '';
  child.stderr?.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString()).slice(-4_000);
  });
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  try {
    await Promise.race([
      listening(port),
      exited.then(() => {
        throw new Error(`PgBouncer exited at start:\n${stderr}`);
      }),
    ]);
  } catch (error) {
    child.kill('SIGKILL');
    await rm(dir, { recursive: true, force: true });
    throw error;
  }
  return {
    port,
    pooled(url) {
      const pooled = new URL(url);
      pooled.hostname = '127.0.0.1';
      pooled.port = String(port);
      return pooled.toString();
    },
    async setUsers(list) {
      Object.assign(allUsers, list);
      await writeUsers(allUsers);
      child.kill('SIGHUP');
      // PgBouncer re-reads its files on the signal; give it a moment to do so.
      await new Promise((resolve) => setTimeout(resolve, 200));
    },
    async stop() {
      if (child.exitCode === null && child.signalCode === null) {
        child.kill('SIGTERM');
        await exited;
      }
      await rm(dir, { recursive: true, force: true });
    },
  };
}

function configuration({
  target,
  port,
  dir,
  users,
  poolSize,
}: {
  target: URL;
  port: number;
  dir: string;
  users: Record<string, string>;
  poolSize: number | undefined;
}): string {
  // SCRAM wherever every user has a password (as Neon's pooler); a passwordless local server: trust.
  const authType = Object.values(users).every((password) => password !== '') ? 'scram-sha-256' : 'trust';
  const settings = {
    ...neonPoolerSettings,
    ...(poolSize === undefined ? {} : { default_pool_size: String(poolSize) }),
    listen_addr: '127.0.0.1',
    listen_port: String(port),
    unix_socket_dir: '',
    auth_type: authType,
    auth_file: join(dir, 'users.txt'),
    admin_users: Object.keys(users).join(','),
    pidfile: '',
    logfile: '',
    log_connections: '0',
    log_disconnections: '0',
  };
  return [
    '[databases]',
    `* = host=${target.hostname} port=${target.port || '5432'}`,
    '[pgbouncer]',
    ...Object.entries(settings).map(([name, value]) => `${name} = ${value}`),
    '',
  ].join('\n');
}

const quote = (value: string) => `"${value.replaceAll('"', '""')}"`;

/** As root: the user PgBouncer runs as (it refuses root). Undefined when not root. */
function unprivilegedOwner(): { uid: number; gid: number } | undefined {
  if (typeof process.getuid !== 'function' || process.getuid() !== 0) return undefined;
  for (const user of ['postgres', 'nobody']) {
    try {
      const uid = Number(execFileSync('id', ['-u', user], { encoding: 'utf8' }).trim());
      const gid = Number(execFileSync('id', ['-g', user], { encoding: 'utf8' }).trim());
      return { uid, gid };
    } catch {
      // No such user: try the next.
    }
  }
  throw new Error('PgBouncer will not run as root, and there is neither a postgres nor a nobody user to run it as');
}

/** Resolves once something accepts connections on the port. */
async function listening(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const open = await new Promise<boolean>((resolve) => {
      const socket = connect(port, '127.0.0.1');
      socket.once('connect', () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (open) return;
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  throw new Error(`PgBouncer did not listen on port ${port} within ${timeoutMs} ms`);
}
