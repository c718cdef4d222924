import type { ChildProcess } from 'node:child_process';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { isLocalDatabase } from '@app/db';
import { isLocalHostname } from '@app/env';
import { recordInDevLock } from '@app/stack/dev-lock';
import { answerWithError, readBodyOr413 } from '@app/stack/front-door';
import type { LocalDatabase } from '@app/stack/local-database';
import { migrateLocal, startLocalDatabase } from '@app/stack/local-database';
import { maskCredentials } from '@app/stack/mask-credentials';
import type { PgBouncer } from '@app/stack/pgbouncer';
import { findPgBouncer, installHint, startPgBouncer } from '@app/stack/pgbouncer';

/** `PUT` here (from this machine only) with a database URL as the body: later events carry it. */
export const netlifyDbUrlPath = '/.netlify/serve/netlify-db-url';

export interface DatabasePathOptions {
  /** Put PgBouncer with Neon's pooler settings between the instances and a local database. */
  pooler: boolean;
  guard: (child: ChildProcess) => void;
}

export interface DatabasePath {
  /** For the banner: the database, and the way the instances reach it. */
  description: string;
  migrations: string | undefined;
  /** What the instances' environment gets for the database (DATABASE_URL; never NETLIFY_DB_URL). */
  instanceEnv: Record<string, string>;
  /** The `netlifyDBURL` each event carries, as Netlify's platform sends it; undefined without Netlify Database. */
  eventDatabaseUrl(): string | undefined;
  /** Answers `PUT /.netlify/serve/netlify-db-url`: the local stand-in for a credential rotation. */
  changeNetlifyDbUrl(request: IncomingMessage, response: ServerResponse): Promise<void>;
  stops: Array<() => Promise<void>>;
}

/**
 * The database side of `pnpm serve`, as production has it: `DATABASE_URL` (else a throwaway real
 * PostgreSQL) in the instances' environment — or, with `NETLIFY_DB_URL` and no `DATABASE_URL`,
 * Netlify Database's URL sent **in each event** (`netlifyDBURL`), which Netlify's bootstrap writes to
 * `process.env.NETLIFY_DB_URL` before the handler runs, and which can change between events. In front
 * of a local database, by default, a real PgBouncer configured as Neon's `-pooler` endpoint.
 */
export async function startDatabasePath({ pooler, guard }: DatabasePathOptions): Promise<DatabasePath> {
  let netlifyDbUrl = process.env.DATABASE_URL ? undefined : process.env.NETLIFY_DB_URL;
  // Not in the instances' environment at start: it comes with each event, as on the platform.
  delete process.env.NETLIFY_DB_URL;
  const local: LocalDatabase = await startLocalDatabase({
    proxyPort: 0,
    embedded: netlifyDbUrl === undefined ? 'postgres' : 'none',
    guard,
  });
  const target = netlifyDbUrl ?? (process.env.DATABASE_URL as string);
  const migrations = netlifyDbUrl === undefined ? local.migrations : await migrateLocal(netlifyDbUrl);
  const stops = [...local.stops];
  const bouncer = await startPooler(target, pooler, guard);
  if (bouncer !== undefined) {
    stops.push(bouncer.stop);
    recordInDevLock({ poolerUrl: bouncer.pooled(target) });
  }
  const via = pooledVia(pooler, target, bouncer);
  const database =
    netlifyDbUrl === undefined
      ? (local.description ?? 'DATABASE_URL')
      : `Netlify Database (NETLIFY_DB_URL, sent in each event) at ${maskCredentials(netlifyDbUrl)}`;
  const path = (url: string) => (bouncer === undefined ? url : bouncer.pooled(url));

  return {
    description: `${database}, ${via}`,
    migrations,
    instanceEnv: {
      ...(netlifyDbUrl === undefined ? { DATABASE_URL: path(target) } : {}),
      DB_WS_PROXY: process.env.DB_WS_PROXY as string,
    },
    eventDatabaseUrl: () => (netlifyDbUrl === undefined ? undefined : path(netlifyDbUrl)),
    async changeNetlifyDbUrl(request, response) {
      const refused = refusal(request, netlifyDbUrl);
      if (refused !== undefined) return answerWithError(response, refused.status, refused.code, refused.message);
      const body = await readBodyOr413(request, response, 4_096);
      if (body === undefined) return;
      const next = parseDatabaseUrl(body.toString().trim());
      if (next === undefined || (bouncer !== undefined && new URL(netlifyDbUrl as string).host !== next.host)) {
        const hint =
          bouncer === undefined ? '' : ' on the same host (the pooler fronts one server; --no-pooler for another)';
        return answerWithError(response, 400, 'validation_failed', `The body must be a postgres:// URL${hint}`);
      }
      await bouncer?.setUsers({ [decodeURIComponent(next.username)]: decodeURIComponent(next.password) });
      netlifyDbUrl = next.toString();
      response.writeHead(204).end();
    },
    stops,
  };
}

async function startPooler(
  target: string,
  wanted: boolean,
  guard: (child: ChildProcess) => void,
): Promise<PgBouncer | undefined> {
  if (!wanted || !isLocalDatabase(target) || findPgBouncer() === undefined) return undefined;
  return startPgBouncer({ upstream: target, guard });
}

function pooledVia(wanted: boolean, target: string, bouncer: PgBouncer | undefined): string {
  if (bouncer !== undefined) return `through PgBouncer (Neon's pooler settings) on 127.0.0.1:${bouncer.port}`;
  if (!wanted) return 'direct (--no-pooler)';
  if (!isLocalDatabase(target)) return "direct to a remote database (use Neon's -pooler URL for its pooler)";
  return `direct: PgBouncer is not installed (${installHint})`;
}

type Refusal = { status: number; code: string; message: string };

/** Why a request to change the URL is refused before its body is read, or undefined. */
function refusal(request: IncomingMessage, current: string | undefined): Refusal | undefined {
  if (request.method !== 'PUT') return { status: 405, code: 'method_not_allowed', message: 'Use PUT' };
  if (!isLocalHostname(request.socket.remoteAddress ?? '')) {
    return { status: 403, code: 'forbidden', message: 'Only from this machine' };
  }
  if (current === undefined) {
    return {
      status: 409,
      code: 'conflict',
      message: 'pnpm serve was started without NETLIFY_DB_URL (or with DATABASE_URL)',
    };
  }
  return undefined;
}

function parseDatabaseUrl(text: string): URL | undefined {
  try {
    const url = new URL(text);
    return /^postgres(ql)?:$/.test(url.protocol) ? url : undefined;
  } catch {
    return undefined;
  }
}
