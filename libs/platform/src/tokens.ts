import { randomUUID } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { resolveKey } from './keys';

const ISSUER = 'campaign-platform';
const AUDIENCE = 'campaign-api';
/** One algorithm, fixed: a token naming another (or `none`) is refused. */
const ALGORITHM = 'HS256';

export interface TokenClaims {
  /** The staff id the token acts for. */
  readonly userId: string;
  /** The token's own id (for rate limits and audit). */
  readonly tokenId: string;
  readonly issuedAt: Date;
  readonly expiresAt: Date;
}

export class TokenError extends Error {
  override readonly name = 'TokenError';
  constructor(
    readonly reason: 'expired' | 'invalid',
    message: string,
  ) {
    super(message);
  }
}

/**
 * Bearer tokens for the API: JWTs signed with HS256 under a key from configuration (JWT_SECRET),
 * or one generated under DATA_DIR/keys on the embedded default. A token names the user only; the
 * role and org unit are looked up at every request, so a role change or a move takes effect at once.
 */
export class TokenIssuer {
  constructor(
    private readonly key: Buffer,
    private readonly defaultTtlHours: number,
  ) {}

  issue(userId: string, options: { ttlHours?: number } = {}): { token: string; claims: TokenClaims } {
    const ttlSeconds = Math.round((options.ttlHours ?? this.defaultTtlHours) * 3600);
    const tokenId = randomUUID();
    // `iat` is in whole seconds; the millisecond lets a revocation refuse every token issued up to it, not just those of earlier seconds.
    const now = Date.now();
    const token = jwt.sign({ iat: Math.floor(now / 1000), iat_ms: now }, this.key, { algorithm: ALGORITHM, subject: userId, issuer: ISSUER, audience: AUDIENCE, expiresIn: ttlSeconds, jwtid: tokenId });
    const issuedAt = new Date(now);
    return { token, claims: { userId, tokenId, issuedAt, expiresAt: new Date(Math.floor(now / 1000) * 1000 + ttlSeconds * 1000) } };
  }

  verify(token: string): TokenClaims {
    let payload: jwt.JwtPayload;
    try {
      payload = jwt.verify(token, this.key, { algorithms: [ALGORITHM], issuer: ISSUER, audience: AUDIENCE }) as jwt.JwtPayload;
    } catch (err) {
      if (err instanceof jwt.TokenExpiredError) throw new TokenError('expired', 'the token has expired; mint a new one (campaignctl token --user <id>)');
      throw new TokenError('invalid', 'the token is not valid here');
    }
    if (typeof payload.sub !== 'string' || !payload.sub || typeof payload.jti !== 'string' || typeof payload.exp !== 'number' || typeof payload.iat !== 'number') {
      throw new TokenError('invalid', 'the token lacks a subject, id, issue time or expiry');
    }
    // Tokens from before `iat_ms` carry the second only (the start of it: a revocation in that second refuses them).
    const issuedMs = typeof payload.iat_ms === 'number' && Math.floor(payload.iat_ms / 1000) === payload.iat ? payload.iat_ms : payload.iat * 1000;
    return { userId: payload.sub, tokenId: payload.jti, issuedAt: new Date(issuedMs), expiresAt: new Date(payload.exp * 1000) };
  }
}

export function tokenIssuerFor(config: { jwtSecret?: string; dataDir: string; tokenTtlHours: number }): TokenIssuer {
  return new TokenIssuer(resolveKey(config.jwtSecret, config.dataDir, 'jwt-signing.key'), config.tokenTtlHours);
}
