import type pg from 'pg';
import { DatabaseError } from 'pg-protocol';

/** What the pool hands out: a client to query on, given back with `release`. */
export interface PoolLike {
  connect(): Promise<Pick<pg.PoolClient, 'query' | 'release'>>;
  end(): Promise<void>;
}

export interface StatementNamesOptions {
  /** Named statements kept at most (each holds its parse tree and plans in the database's memory). */
  limit?: number;
  /** Longer texts are never named: multi-row inserts whose size varies, each seen once or twice. */
  maxLength?: number;
}

/**
 * Gives a name to each parameterised statement the embedded store runs a second time, so that PGlite
 * parses it once instead of on every call, and after five runs PostgreSQL may keep one generic plan for it
 * instead of planning every run: the statements of a note, a delivery or a sync page come back thousands of
 * times with the same text. node-postgres does the rest: it sends Parse once per name and Bind/Execute
 * after. Statements without parameters (BEGIN, COMMIT, DDL) go as they are. Measured in the database
 * thread (issue #11, item 6): the submit insert took 1.3 ms warm and 1.9 ms after a 100 ms pause when every
 * run was planned, 0.8 and 1.3 ms with generic plans; a lookup by primary key 0.9 → 0.5 ms after a pause.
 *
 * One kind of statement is never named: an upsert whose conflict target names a partial index by a
 * parameter (`ON CONFLICT (k) WHERE state = $1`). A generic plan cannot see the value, cannot match the
 * index, and the statement fails (42P10) — a change of result, not of speed. Unnamed, it is planned with
 * its values on every run, as on a PostgreSQL server.
 */
/**
 * `ON CONFLICT (columns) WHERE … $n …`: the conflict target's index predicate holds a parameter. The target
 * may hold expressions (`(lower("email"))`): one level of nested parentheses is allowed for.
 */
const PARTIAL_INDEX_BY_PARAMETER =
  /\bon\s+conflict\s*\((?:[^()]|\([^()]*\))*\)\s*where\b(?:(?!\bdo\b)[\s\S])*\$\d/i;

export class StatementNames {
  private readonly names = new Map<string, string>();
  /** Texts seen once; cleared when full, since an unbounded stream of one-off texts must not grow it. */
  private readonly seenOnce = new Set<string>();
  /** Texts that once failed before reaching the database; never named again (see `retire`). */
  private readonly retired = new Set<string>();
  private readonly limit: number;
  private issued = 0;
  private readonly maxLength: number;

  constructor(options: StatementNamesOptions = {}) {
    this.limit = options.limit ?? 200;
    this.maxLength = options.maxLength ?? 2_000;
  }

  /** The name to run `text` under, or undefined to run it unnamed. */
  nameFor(text: string): string | undefined {
    const known = this.names.get(text);
    if (known !== undefined || text.length > this.maxLength || this.names.size >= this.limit) return known;
    if (this.retired.has(text) || PARTIAL_INDEX_BY_PARAMETER.test(text)) return undefined;
    if (!this.seenOnce.has(text)) {
      if (this.seenOnce.size >= 4 * this.limit) this.seenOnce.clear();
      this.seenOnce.add(text);
      return undefined;
    }
    this.seenOnce.delete(text);
    // A counter, not the map's size: a retired name stays prepared on the connection, so it is never reused.
    this.issued += 1;
    const name = `skybridge_${this.issued}`;
    this.names.set(text, name);
    return name;
  }

  /**
   * Runs `text` unnamed from now on. node-postgres closes a named statement whose values it cannot
   * serialise (a BigInt in a JSON value, a circular object) but still counts it as prepared, so every
   * later run under that name would fail with "prepared statement … does not exist".
   */
  retire(text: string): void {
    if (!this.names.delete(text)) return;
    this.retired.add(text);
  }

  get size(): number {
    return this.names.size;
  }
}

/** A pool whose clients run repeated parameterised statements by name (see `StatementNames`). */
export class NamingPool implements PoolLike {
  constructor(
    private readonly pool: PoolLike,
    private readonly names: StatementNames = new StatementNames(),
  ) {}

  async connect(): Promise<Pick<pg.PoolClient, 'query' | 'release'>> {
    const client = await this.pool.connect();
    const query = (text: unknown, values?: unknown) => {
      const name =
        typeof text === 'string' && Array.isArray(values) && values.length > 0
          ? this.names.nameFor(text)
          : undefined;
      if (name === undefined) return (client.query as (t: unknown, v?: unknown) => unknown)(text, values);
      return client.query({ name, text: text as string, values: values as unknown[] }).catch((error) => {
        // A database's refusal leaves the statement prepared; anything else failed on this side. 42P10 is
        // the one refusal a generic plan causes (a conflict target the rule above missed): it is raised
        // while planning, so nothing ran, and from now on the text runs unnamed, planned with its values.
        if (!(error instanceof DatabaseError) || error.code === '42P10') this.names.retire(text as string);
        throw error;
      });
    };
    return { query: query as pg.PoolClient['query'], release: (error) => client.release(error) };
  }

  end(): Promise<void> {
    return this.pool.end();
  }
}
