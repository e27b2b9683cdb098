import { randomBytes } from 'node:crypto';
import type { TokenResponseWire } from '../connect/wire/index.ts';

interface IssuedToken {
  clientId: string;
  issuedMs: number;
}

/** Opaque 32-hex tokens (facts §1.3 [V]); no refresh flow exists, a client simply asks again. */
export class TokenStore {
  private readonly tokens = new Map<string, IssuedToken>();

  issue(clientId: string, nowMs: number): TokenResponseWire {
    const token = randomBytes(16).toString('hex');
    this.tokens.set(token, { clientId, issuedMs: nowMs });
    return {
      refresh_token_expires_in: '0',
      token_type: 'BearerToken',
      issued_at: Math.floor(nowMs / 1000),
      client_id: clientId,
      access_token: token,
      scope: '',
      // Always "3599": the real validity may be shorter, which is how early expiry surprises a client.
      expires_in: '3599',
      refresh_count: '0',
      status: 'approved',
    };
  }

  /** Valid when known and younger than the lifetime in force now (a fault can shorten it). */
  isValid(token: string, nowMs: number, lifetimeSeconds: number): boolean {
    const issued = this.tokens.get(token);
    if (!issued) return false;
    if (nowMs - issued.issuedMs >= lifetimeSeconds * 1000) {
      this.tokens.delete(token);
      return false;
    }
    return true;
  }

  /** The client a token was issued to: the rate ceiling is per client, not per token (facts §2.8). */
  clientOf(token: string): string | undefined {
    return this.tokens.get(token)?.clientId;
  }

  revokeAll(): number {
    const count = this.tokens.size;
    this.tokens.clear();
    return count;
  }
}
