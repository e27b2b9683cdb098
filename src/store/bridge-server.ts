import { chmod, unlink } from 'node:fs/promises';
import { createServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { CompiledQuery, type Kysely } from 'kysely';
import { isBorrowedStore } from './bridge-client.ts';
import { readFrames, sendFrame } from './bridge-frames.ts';
import type { JournalRecord } from './journal.ts';
import type { Store } from './store.ts';
import type { Database } from './types.ts';

/** The socket beside the embedded database; its file mode (owner only) is its access control. */
export function bridgeSocketPath(dataDir: string): string {
  return join(dataDir, 'store.sock');
}

/** Requests a CLI process sends; every one is answered with `{ id, ok, value | error }`. */
export type BridgeRequest =
  | { id: number; op: 'hello' }
  | { id: number; op: 'acquire' }
  | { id: number; op: 'query'; sql: string; parameters: readonly unknown[] }
  | { id: number; op: 'release' }
  | { id: number; op: 'journal'; record: JournalRecord }
  | {
      id: number;
      op: 'budget-claim';
      credential: string;
      perSecond: number;
      want: number;
      fromSlot: number;
    }
  | { id: number; op: 'budget-usage'; credential: string; seconds: number };

export type BridgeReply = { id: number; ok: true; value: unknown } | { id: number; ok: false; error: string };

/** A CLI session that holds the database and then says nothing for this long loses it. */
const IDLE_HOLD_MS = 30_000;

export interface StoreBridge {
  readonly path: string;
  close(): Promise<void>;
}

/**
 * PGlite is one database in one process; the service holds it. So that `skybridge` commands still work
 * beside a running service, the service lends its store to local processes over a Unix socket in the
 * data folder: a command takes the one connection as any in-process caller would (queued, so its
 * transactions never interleave with the service's), runs its queries and gives it back. Journal records
 * go to the service's journal. A command that dies or stalls is rolled back and its hold released.
 */
export async function serveStoreBridge(store: Store, dataDir: string): Promise<StoreBridge | undefined> {
  const path = bridgeSocketPath(dataDir);
  // A Unix socket path longer than ~100 bytes cannot be bound; the CLI then says to stop the service.
  if (Buffer.byteLength(path) > 100) return undefined;
  await unlink(path).catch(() => undefined);
  const sockets = new Set<Socket>();
  const server: Server = createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    serveSession(store, socket);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(path, () => resolve());
  });
  await chmod(path, 0o600);
  return {
    path,
    async close() {
      for (const socket of sockets) socket.destroy();
      await new Promise<void>((resolve) => server.close(() => resolve()));
      await unlink(path).catch(() => undefined);
    },
  };
}

function serveSession(store: Store, socket: Socket): void {
  let held: { db: Kysely<Database>; release: () => void } | undefined;
  let idle: NodeJS.Timeout | undefined;
  const reply = (message: BridgeReply) => {
    if (!socket.destroyed) sendFrame(socket, message);
  };
  const letGo = async () => {
    const session = held;
    held = undefined;
    if (idle) clearTimeout(idle);
    if (!session) return;
    // A command that vanished inside a transaction must not leave it open on the service's connection.
    await session.db.executeQuery(CompiledQuery.raw('ROLLBACK')).catch(() => undefined);
    session.release();
  };
  socket.on('close', () => void letGo());
  socket.on('error', () => socket.destroy());
  let chain = Promise.resolve();
  readFrames(socket, (message) => {
    const request = message as BridgeRequest;
    if (request.op === 'budget-claim' || request.op === 'budget-usage') {
      // Answered at once, not behind the command's queued queries: a claim is for a slot of 10 ms.
      void rateBudget(request).then(
        (value) => reply({ id: request.id, ok: true, value }),
        (error: Error) => reply({ id: request.id, ok: false, error: error.message ?? String(error) }),
      );
      return;
    }
    chain = chain.then(async () => {
      if (idle) clearTimeout(idle);
      if (held) idle = setTimeout(() => socket.destroy(), IDLE_HOLD_MS);
      try {
        reply({ id: request.id, ok: true, value: await handle(request) });
      } catch (error) {
        reply({ id: request.id, ok: false, error: (error as Error).message ?? String(error) });
      }
    });
  });

  async function rateBudget(
    request: Extract<BridgeRequest, { op: 'budget-claim' | 'budget-usage' }>,
  ): Promise<unknown> {
    const budget = store.rateBudget;
    if (!budget) throw new Error('this store keeps no rate budget');
    return request.op === 'budget-claim'
      ? budget.claim(request.credential, request.perSecond, request.want, request.fromSlot)
      : budget.usage(request.credential, request.seconds);
  }

  async function handle(request: BridgeRequest): Promise<unknown> {
    switch (request.op) {
      case 'hello':
        return { engine: store.engine, durability: store.durability, pid: process.pid };
      case 'acquire':
        await new Promise<void>((acquired, failed) => {
          store.db
            .connection()
            .execute(
              (db) =>
                new Promise<void>((release) => {
                  held = { db, release };
                  idle = setTimeout(() => socket.destroy(), IDLE_HOLD_MS);
                  acquired();
                }),
            )
            .catch(failed);
        });
        if (socket.destroyed) await letGo();
        return null;
      case 'query': {
        if (!held) throw new Error('query without a connection: acquire first');
        const result = await held.db.executeQuery(CompiledQuery.raw(request.sql, [...request.parameters]));
        return { rows: result.rows, numAffectedRows: result.numAffectedRows };
      }
      case 'release':
        if (held) {
          const session = held;
          held = undefined;
          if (idle) clearTimeout(idle);
          session.release();
        }
        return null;
      case 'journal':
        await store.journal?.append(request.record);
        return null;
      default:
        throw new Error(`unknown request ${(request as { op: string }).op}`);
    }
  }
}

/**
 * The same store, lent to local commands while it is open (embedded mode only; a store that is itself
 * borrowed from a running service is returned as it is). Closing it closes the socket first.
 */
export async function lendStore(store: Store, dataDir: string): Promise<Store> {
  if (store.engine !== 'pglite' || isBorrowedStore(store)) return store;
  const bridge = await serveStoreBridge(store, dataDir);
  if (!bridge) return store;
  return {
    ...store,
    async close() {
      await bridge.close();
      await store.close();
    },
  };
}
