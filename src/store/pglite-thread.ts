import { EventEmitter } from 'node:events';
import { createRequire } from 'node:module';
import { pathToFileURL } from 'node:url';
import { Worker } from 'node:worker_threads';
import { DatabaseError, serialize } from 'pg-protocol';

/**
 * PGlite runs every statement synchronously, as WebAssembly, on the thread that calls it. On the service's
 * main thread that meant every request waited for whatever statement the delivery worker, the sync, the
 * watch or the audit spool had started, and each note's own statements added to everyone's wait: PGlite
 * was 40–50 % of the main thread's time at 50 notes/s (issue #11, item 6). So PGlite lives in a thread of
 * its own and the main thread only sends it wire-protocol bytes and receives its parsed answers; the main
 * thread stays free for HTTP while the database works, and the service uses both cores.
 *
 * The thread's code is a string evaluated by the Worker (not a module file) so that it runs the same under
 * `node dist/…`, under tsx and inside the compiled tests: a worker thread does not inherit a loader
 * registered at run time, and the code needs nothing of ours.
 */
const THREAD_SOURCE = `
const { parentPort, workerData } = require('node:worker_threads');
(async () => {
  let lite;
  try {
    const { PGlite } = await import(workerData.pglite);
    lite = await PGlite.create(workerData.dir, { startParams: workerData.startParams });
  } catch (error) {
    parentPort.postMessage({ type: 'failed', message: String(error && error.message || error) });
    return;
  }
  parentPort.postMessage({ type: 'ready' });
  // One message at a time, in arrival order: the protocol is a conversation on one connection.
  let queue = Promise.resolve();
  parentPort.on('message', (message) => {
    queue = queue.then(async () => {
      if (message.type === 'close') {
        try { await lite.close(); parentPort.postMessage({ type: 'closed' }); }
        catch (error) { parentPort.postMessage({ type: 'closed', message: String(error && error.message || error) }); }
        return;
      }
      try {
        const replies = await lite.execProtocolStream(message.bytes, { throwOnError: false });
        // An error reply is an Error subclass; structured cloning would keep only its message, so its
        // fields (code, constraint, detail, …) travel as a plain object.
        const plain = replies.map((reply) => reply instanceof Error
          ? { __databaseError: true, message: reply.message, fields: { ...reply } }
          : reply);
        parentPort.postMessage({ type: 'replies', replies: plain });
      } catch (error) {
        parentPort.postMessage({ type: 'broken', message: String(error && error.message || error) });
      }
    });
  });
})();
`;

type Reply = { name: string; __databaseError?: true; message?: string; fields?: Record<string, unknown> };
type ThreadMessage =
  | { type: 'ready' }
  | { type: 'failed' | 'broken'; message: string }
  | { type: 'closed'; message?: string }
  | { type: 'replies'; replies: Reply[] };

/** PGlite in its own thread: started with `open`, spoken to through `connection` (node-postgres). */
export class PgliteThread {
  readonly connection: ThreadedPgliteConnection;
  private closing: ((error?: Error) => void) | undefined;
  private closed: Promise<void> | undefined;

  private constructor(private readonly worker: Worker) {
    this.connection = new ThreadedPgliteConnection(worker);
  }

  /** Starts the thread and opens the database in `dir`; rejects with PGlite's own message if it cannot. */
  static async open(dir: string, startParams: string[]): Promise<PgliteThread> {
    const pglite = pathToFileURL(createRequire(import.meta.url).resolve('@electric-sql/pglite')).href;
    const worker = new Worker(THREAD_SOURCE, { eval: true, workerData: { dir, startParams, pglite } });
    await new Promise<void>((resolve, reject) => {
      const onMessage = (message: ThreadMessage) => {
        if (message.type === 'ready') resolve();
        else if (message.type === 'failed') reject(new Error(message.message));
        else return;
        worker.off('message', onMessage);
        worker.off('error', reject);
      };
      worker.on('message', onMessage);
      worker.once('error', reject);
      worker.once('exit', (code) => reject(new Error(`the database thread exited (code ${code})`)));
    }).catch(async (error) => {
      await worker.terminate();
      throw error;
    });
    const thread = new PgliteThread(worker);
    worker.unref();
    worker.on('message', (message: ThreadMessage) => {
      if (message.type === 'closed')
        thread.closing?.(message.message ? new Error(message.message) : undefined);
    });
    return thread;
  }

  /** Closes the database (PGlite writes what it holds) and ends the thread; again, it does nothing. */
  close(): Promise<void> {
    this.closed ??= (async () => {
      try {
        await new Promise<void>((resolve, reject) => {
          this.closing = (error) => (error ? reject(error) : resolve());
          this.worker.once('exit', () => resolve());
          this.worker.ref();
          this.worker.postMessage({ type: 'close' });
        });
      } finally {
        await this.worker.terminate();
      }
    })();
    return this.closed;
  }
}

/**
 * The node-postgres connection `pg.Client` talks through (given as its `connection` option), doing what
 * PGlite's own adapter (`@electric-sql/pglite/node-postgres`) does in-process: each protocol message the
 * client writes is serialised, the database's replies come back as parsed messages and are emitted under
 * the names `pg.Client` listens for. The messages a client writes in one go (parse, bind, describe,
 * execute, sync) are sent to the thread together, as one call into PGlite instead of five.
 */
export class ThreadedPgliteConnection extends EventEmitter {
  _connecting = false;
  readonly stream = { destroy: () => this.end() };
  parsedStatements = {};
  submittedNamedStatements = {};
  private outgoing: Buffer[] = [];
  private inFlight = 0;
  /** The transaction status of the last ReadyForQuery: I idle, T in a transaction, E in a failed one. */
  private status = 'I';
  private deferredBegin: Buffer | undefined;
  private skipReplies = 0;
  private broken: Error | undefined;

  constructor(private readonly worker: Worker) {
    super();
    worker.on('message', (message: ThreadMessage) => {
      if (message.type === 'replies') this.receive(message.replies);
      else if (message.type === 'broken')
        this.fail(new Error(`the embedded database failed: ${message.message}`));
    });
    worker.on('error', (error) => this.fail(error));
    worker.on('exit', () => this.fail(new Error('the embedded database thread has stopped')));
  }

  async connect(): Promise<void> {
    this._connecting = true;
    process.nextTick(() => this.emit('readyForQuery'));
  }

  requestSsl(): void {}
  startup(): void {}
  cancel(): void {}
  password(): void {}
  ref(): void {}
  unref(): void {}

  query(text: string): void {
    // A BEGIN outside a transaction cannot fail, so it is not a round trip of its own: it is answered here
    // and goes to the database in front of the transaction's first statement, whose call then carries
    // both (one fewer wait on the thread per transaction; submit is one, issue #11 item 6).
    if (
      this.status === 'I' &&
      this.inFlight === 0 &&
      this.outgoing.length === 0 &&
      /^\s*begin\s*;?\s*$/i.test(text)
    ) {
      this.deferredBegin = serialize.query(text);
      this.status = 'T';
      process.nextTick(() => {
        this.emit('commandComplete', { name: 'commandComplete', text: 'BEGIN' });
        this.emit('readyForQuery', { name: 'readyForQuery', status: 'T' });
      });
      return;
    }
    this.send(serialize.query(text));
  }
  parse(query: Parameters<typeof serialize.parse>[0]): void {
    this.send(serialize.parse(query));
  }
  bind(config: Parameters<typeof serialize.bind>[0]): void {
    this.send(serialize.bind(config));
  }
  execute(config: Parameters<typeof serialize.execute>[0]): void {
    this.send(serialize.execute(config));
  }
  describe(message: Parameters<typeof serialize.describe>[0]): void {
    this.send(serialize.describe(message));
  }
  close(message: Parameters<typeof serialize.close>[0]): void {
    this.send(serialize.close(message));
  }
  flush(): void {
    this.send(serialize.flush());
  }
  sync(): void {
    this.send(serialize.sync());
  }
  sendCopyFromChunk(chunk: Buffer): void {
    this.send(serialize.copyData(chunk));
  }
  endCopyFrom(): void {
    this.send(serialize.copyDone());
  }
  sendCopyFail(message: string): void {
    this.send(serialize.copyFail(message));
  }

  end(): void {
    const finish = () => {
      this.emit('end');
      for (const name of this.eventNames()) if (name !== 'newListener') this.removeAllListeners(name);
    };
    if (this.inFlight === 0 && this.outgoing.length === 0) process.nextTick(finish);
    else this.once('drained', finish);
  }

  private send(bytes: Buffer): void {
    if (this.broken) {
      const error = this.broken;
      process.nextTick(() => this.emit('error', error));
      return;
    }
    this.outgoing.push(bytes);
    if (this.outgoing.length === 1) queueMicrotask(() => this.post());
  }

  private post(): void {
    const begin = this.deferredBegin;
    this.deferredBegin = undefined;
    if (begin) this.skipReplies += 1;
    const parts = begin ? [begin, ...this.outgoing] : this.outgoing;
    // A buffer of its own, moved to the thread rather than copied (Buffer.concat may hand out a slice of
    // Node's shared pool, which postMessage must copy whole).
    const bytes = new Uint8Array(parts.reduce((sum, part) => sum + part.length, 0));
    let offset = 0;
    for (const part of parts) {
      bytes.set(part, offset);
      offset += part.length;
    }
    this.outgoing = [];
    // Like PGlite in-process, an idle database does not keep the process alive; a statement in flight does.
    if (this.inFlight === 0) this.worker.ref();
    this.inFlight += 1;
    this.worker.postMessage({ type: 'exec', bytes }, [bytes.buffer]);
  }

  private receive(replies: Reply[]): void {
    this.inFlight -= 1;
    let skipping = false;
    if (this.skipReplies > 0) {
      this.skipReplies -= 1;
      skipping = true;
    }
    for (const reply of replies) {
      // The deferred BEGIN's own replies were given already: they end at its ReadyForQuery.
      if (skipping) {
        if (reply.name === 'readyForQuery') skipping = false;
        else if (reply.name === 'notice') this.emit('notice', reply);
        continue;
      }
      if (reply.name === 'readyForQuery') this.status = (reply as { status?: string }).status ?? 'I';
      if (reply.__databaseError) {
        const error = new DatabaseError(reply.message ?? 'database error', 0, 'error');
        Object.assign(error, reply.fields);
        this.emit('errorMessage', error);
      } else {
        this.emit(reply.name, reply);
      }
    }
    if (this.inFlight === 0) this.worker.unref();
    if (this.inFlight === 0 && this.outgoing.length === 0) this.emit('drained');
  }

  private fail(error: Error): void {
    if (this.broken) return;
    this.broken = error;
    if (this.listenerCount('error') > 0) this.emit('error', error);
  }
}
