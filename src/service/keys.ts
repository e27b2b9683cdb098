import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Store } from '../store/index.ts';
import type { KeyScope } from '../store/service-types.ts';

export { KEY_SCOPES, type KeyScope } from '../store/service-types.ts';

const RANK: Record<Exclude<KeyScope, 'messages.write'>, number> = { read: 0, write: 1, admin: 2 };

/**
 * read < write < admin: a key may do what its scope and every smaller scope allow. `messages.write`
 * stands apart: such a key may only pass texts in (a write or admin key may too), and read nothing.
 */
export function scopeAllows(held: KeyScope, needed: KeyScope): boolean {
  if (needed === 'messages.write') return held !== 'read';
  if (held === 'messages.write') return false;
  return RANK[held] >= RANK[needed];
}

export interface ApiKey {
  id: string;
  name: string;
  scope: KeyScope;
  /** The first characters of the key (`sk_` + 6), to tell keys apart; not enough to use one. */
  prefix: string;
  createdAt: string;
  /** When the key was last used, to the minute (written at most once a minute per key). */
  lastUsedAt: string | null;
  revokedAt: string | null;
}

/**
 * A key is `sk_` + 32 random bytes (base64url). Only its SHA-256 is stored. A slow password hash
 * (bcrypt, scrypt) exists to make guessing low-entropy human passwords expensive; a 256-bit random token
 * cannot be guessed, so a fast hash loses nothing and lets every request be checked by one indexed
 * lookup. Whoever reads the table still cannot present a key.
 */
export function hashKey(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

export function newKeyToken(): string {
  return `sk_${randomBytes(32).toString('base64url')}`;
}

const KEY_SHAPE = /^sk_[A-Za-z0-9_-]{43}$/;

/** API keys in the store: create (the key is returned once), list, revoke, verify. */
export class KeyRepo {
  // Verified keys, briefly: a request costs no store round trip, and a revocation made by this process
  // drops its entry at once. A revocation from another process (the CLI, on PostgreSQL or through the
  // embedded store it borrows) takes effect within CACHE_MS. When an entry expires, the requests that find
  // it expired share one lookup (`pending`) instead of each queueing its own for the one connection.
  private readonly cache = new Map<string, { key: ApiKey | null; until: number }>();
  private readonly pending = new Map<string, Promise<ApiKey | null>>();
  static readonly CACHE_MS = 5_000;
  /** Bumped by every revocation here, so a lookup that started before it caches nothing. */
  private generation = 0;
  private readonly touched = new Map<string, number>();
  static readonly TOUCH_MS = 60_000;

  constructor(
    private readonly store: Store,
    private readonly now: () => Date = () => new Date(),
  ) {}

  async create(name: string, scope: KeyScope): Promise<{ key: ApiKey; token: string }> {
    const trimmed = name.trim();
    if (!/^[A-Za-z0-9][A-Za-z0-9 ._@-]{0,63}$/.test(trimmed)) {
      throw new KeyError('a key name is 1–64 letters, digits, spaces, dots, dashes, underscores or @');
    }
    const existing = await this.store.db
      .selectFrom('api_keys')
      .select('id')
      .where('name', '=', trimmed)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    if (existing)
      throw new KeyError(`a live key named "${trimmed}" exists already; revoke it or pick another name`);
    const token = newKeyToken();
    const row = {
      id: randomUUID(),
      name: trimmed,
      scope,
      key_hash: hashKey(token),
      prefix: token.slice(0, 9),
      created_at: this.now(),
    };
    await this.store.db.insertInto('api_keys').values(row).execute();
    return {
      token,
      key: {
        id: row.id,
        name: row.name,
        scope,
        prefix: row.prefix,
        createdAt: row.created_at.toISOString(),
        lastUsedAt: null,
        revokedAt: null,
      },
    };
  }

  async list(options: { includeRevoked?: boolean } = {}): Promise<ApiKey[]> {
    let q = this.store.db.selectFrom('api_keys').selectAll().orderBy('created_at');
    if (!options.includeRevoked) q = q.where('revoked_at', 'is', null);
    return (await q.execute()).map(toKey);
  }

  async countLive(): Promise<number> {
    const row = await this.store.db
      .selectFrom('api_keys')
      .select((eb) => eb.fn.countAll<string>().as('n'))
      .where('revoked_at', 'is', null)
      .executeTakeFirstOrThrow();
    return Number(row.n);
  }

  /** Revokes the live key with this id or name; returns it, or undefined when there is none. */
  async revoke(idOrName: string): Promise<ApiKey | undefined> {
    const rows = await this.store.db
      .updateTable('api_keys')
      .set({ revoked_at: this.now() })
      .where('revoked_at', 'is', null)
      .where((eb) => eb.or([eb('id', '=', idOrName), eb('name', '=', idOrName)]))
      .returningAll()
      .execute();
    this.generation += 1;
    this.pending.clear();
    this.cache.clear();
    return rows[0] ? toKey(rows[0]) : undefined;
  }

  /**
   * Records that `key` was used now, at most once a minute per key: `last_used_at` tells an admin which
   * keys are alive without a write on every request.
   */
  async touch(key: ApiKey): Promise<void> {
    const at = this.now();
    const last = this.touched.get(key.id);
    if (last !== undefined && at.getTime() - last < KeyRepo.TOUCH_MS) return;
    this.touched.set(key.id, at.getTime());
    if (this.touched.size > 10_000) this.touched.clear();
    await this.store.db.updateTable('api_keys').set({ last_used_at: at }).where('id', '=', key.id).execute();
  }

  /** The live key this token is, or null. Malformed tokens never reach the store. */
  async verify(token: string): Promise<ApiKey | null> {
    if (!KEY_SHAPE.test(token)) return null;
    const hash = hashKey(token);
    const cached = this.cache.get(hash);
    if (cached && cached.until > Date.now()) return cached.key;
    const waiting = this.pending.get(hash);
    if (waiting) return waiting;
    const lookup: Promise<ApiKey | null> = this.lookup(hash).finally(() => {
      if (this.pending.get(hash) === lookup) this.pending.delete(hash);
    });
    this.pending.set(hash, lookup);
    return lookup;
  }

  private async lookup(hash: string): Promise<ApiKey | null> {
    const at = Date.now();
    const generation = this.generation;
    const row = await this.store.db
      .selectFrom('api_keys')
      .selectAll()
      .where('key_hash', '=', hash)
      .where('revoked_at', 'is', null)
      .executeTakeFirst();
    const key = row ? toKey(row) : null;
    // A revocation made while the lookup was on its way must not be undone by caching what it read.
    if (generation !== this.generation) return key;
    if (this.cache.size > 1000) this.cache.clear();
    this.cache.set(hash, { key, until: at + KeyRepo.CACHE_MS });
    return key;
  }
}

export class KeyError extends Error {
  override name = 'KeyError';
}

function toKey(row: {
  id: string;
  name: string;
  scope: KeyScope;
  prefix: string;
  created_at: Date;
  last_used_at: Date | null;
  revoked_at: Date | null;
}): ApiKey {
  return {
    id: row.id,
    name: row.name,
    scope: row.scope,
    prefix: row.prefix,
    createdAt: row.created_at.toISOString(),
    lastUsedAt: row.last_used_at ? row.last_used_at.toISOString() : null,
    revokedAt: row.revoked_at ? row.revoked_at.toISOString() : null,
  };
}
