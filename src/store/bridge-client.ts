import { access } from 'node:fs/promises';
import { connect, type Socket } from 'node:net';
import {
  CompiledQuery,
  type DatabaseConnection,
  type Driver,
  Kysely,
  PostgresAdapter,
  PostgresIntrospector,
  PostgresQueryCompiler,
  type QueryResult,
} from 'kysely';
import { readFrames, sendFrame } from './bridge-frames.ts';
import { type BridgeReply, bridgeSocketPath } from './bridge-server.ts';
import type { BudgetUsage, SlotGrant } from './budget-repo.ts';
import { lockHolder } from './data-dir-lock.ts';
import type { Journal } from './journal.ts';
import type { Durability, Store } from './store.ts';
import type { Database } from './types.ts';

type Call = (op: string, fields?: Record<string, unknown>) => Promise<unknown>;

/** One request at a time over the socket; answers come back in order. */
function caller(socket: Socket): Call {
  let next = 1;
  const waiting = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void }>();
  readFrames(socket, (message) => {
    const reply = message as BridgeReply;
    const call = waiting.get(reply.id);
    waiting.delete(reply.id);
    if (!call) return;
    if (reply.ok) call.resolve(reply.value);
    else call.reject(new Error(reply.error));
  });
  const fail = (error: Error) => {
    for (const call of waiting.values()) call.reject(error);
    waiting.clear();
  };
  socket.on('error', (error) => fail(error));
  socket.on('close', () =>
    fail(new Error('the running Skybridge service closed its store (it stopped or restarted)')),
  );
  return (op, fields = {}) =>
    new Promise((resolve, reject) => {
      if (socket.destroyed) {
        reject(new Error('the running Skybridge service closed its store (it stopped or restarted)'));
        return;
      }
      const id = next++;
      waiting.set(id, { resolve, reject });
      sendFrame(socket, { id, op, ...fields });
    });
}

class BridgeConnection implements DatabaseConnection {
  constructor(private readonly call: Call) {}
  async executeQuery<R>(query: CompiledQuery): Promise<QueryResult<R>> {
    return (await this.call('query', { sql: query.sql, parameters: query.parameters })) as QueryResult<R>;
  }
  // biome-ignore lint/correctness/useYield: streaming is not offered over the bridge.
  async *streamQuery<R>(): AsyncIterableIterator<QueryResult<R>> {
    throw new Error('streaming queries are not available through the service bridge');
  }
}

/** Like kysely's single-connection drivers: one connection, handed out to one caller at a time. */
class BridgeDriver implements Driver {
  private queue: Promise<void> = Promise.resolve();
  private readonly connection: BridgeConnection;
  private releaseLocal: (() => void) | undefined;

  constructor(
    private readonly call: Call,
    private readonly socket: Socket,
  ) {
    this.connection = new BridgeConnection(call);
  }
  async init() {}
  async acquireConnection(): Promise<DatabaseConnection> {
    const previous = this.queue;
    let release!: () => void;
    this.queue = new Promise<void>((resolve) => {
      release = resolve;
    });
    await previous;
    this.releaseLocal = release;
    try {
      await this.call('acquire');
    } catch (error) {
      release();
      throw error;
    }
    return this.connection;
  }
  async beginTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('BEGIN'));
  }
  async commitTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('COMMIT'));
  }
  async rollbackTransaction(connection: DatabaseConnection) {
    await connection.executeQuery(CompiledQuery.raw('ROLLBACK'));
  }
  async releaseConnection() {
    const release = this.releaseLocal;
    this.releaseLocal = undefined;
    try {
      await this.call('release');
    } finally {
      release?.();
    }
  }
  async destroy() {
    this.socket.end();
  }
}

const borrowed = new WeakSet<Store>();

/** Whether `store` is a running service's store reached through its socket. */
export function isBorrowedStore(store: Store): boolean {
  return borrowed.has(store);
}

/**
 * The running service's embedded store, reached over its socket (see `serveStoreBridge`). Queries,
 * transactions and journal records go through the service; the service's own work simply queues with them.
 */
export async function connectStoreBridge(path: string): Promise<Store> {
  const socket = connect(path);
  await new Promise<void>((resolve, reject) => {
    socket.once('connect', resolve);
    socket.once('error', reject);
  });
  const call = caller(socket);
  const hello = (await call('hello')) as { engine: 'pglite'; durability: Durability; pid: number };
  const db = new Kysely<Database>({
    dialect: {
      createAdapter: () => new PostgresAdapter(),
      createDriver: () => new BridgeDriver(call, socket),
      createIntrospector: (k) => new PostgresIntrospector(k),
      createQueryCompiler: () => new PostgresQueryCompiler(),
    },
  });
  // Only `append` is used by the repositories; it is the service's journal that must record it.
  const journal = { append: (record: unknown) => call('journal', { record }) } as unknown as Journal;
  const store: Store = {
    db,
    engine: hello.engine,
    durability: hello.durability,
    // The service's budget: what this command sends counts against what the service sends.
    rateBudget: {
      where: `the running Skybridge service (pid ${hello.pid}, embedded store)`,
      kind: 'borrowed',
      claim: (credential, perSecond, want, fromSlot) =>
        call('budget-claim', { credential, perSecond, want, fromSlot }) as Promise<SlotGrant>,
      usage: (credential, seconds) => call('budget-usage', { credential, seconds }) as Promise<BudgetUsage>,
    },
    journal,
    replay: null,
    transaction: (fn) => db.transaction().execute(fn),
    compactJournal: async () => ({ removedSegments: [], carried: 0, dropped: 0 }),
    close: () => db.destroy(),
  };
  borrowed.add(store);
  return store;
}

/**
 * The store of the Skybridge service running on `dataDir`, or undefined when none runs there (or it
 * lends no socket): the caller then opens the folder itself, and its lock says who holds it.
 */
export async function openRunningServiceStore(dataDir: string): Promise<Store | undefined> {
  const holder = await lockHolder(dataDir);
  if (holder === undefined || holder === process.pid) return undefined;
  const path = bridgeSocketPath(dataDir);
  if (
    !(await access(path).then(
      () => true,
      () => false,
    ))
  )
    return undefined;
  try {
    return await connectStoreBridge(path);
  } catch {
    return undefined;
  }
}
