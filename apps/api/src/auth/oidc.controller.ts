import { Controller, Get, Inject, Query, Req, Res } from '@nestjs/common';
import { ApiExcludeEndpoint, ApiOperation, ApiResponse, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import type { Runtime } from '@app/platform';
import { Public } from '../http/auth';
import { setSessionCookies } from './auth-cookies';
import { readCookie } from '../http/session-cookie';

/**
 * The pending sign-in's state, also in the browser that started it (httpOnly; Lax, because the
 * provider's redirect back is a cross-site navigation): a callback from another browser — an
 * attacker's own code and state sent to a victim — opens nothing (login CSRF).
 */
const STATE_COOKIE = 'cp_oidc_state';
const STATE_COOKIE_OPTIONS = { httpOnly: true, sameSite: 'lax' as const, path: '/api/auth/oidc', maxAge: 10 * 60 * 1000 };
import { OidcProvider } from './oidc';

/**
 * Sign-in through the bank's OpenID Connect provider, when OIDC_ISSUER is set: /start sends the
 * browser there, /callback takes it back, maps the ID token's subject (or OIDC_STAFF_ID_CLAIM) to
 * a staff id, and opens the same session a password sign-in opens. A subject that names no active
 * staff member opens nothing. Without OIDC_ISSUER both answer 404.
 */
@ApiTags('auth')
@Controller('api/auth/oidc')
export class OidcController {
  private readonly provider?: OidcProvider;

  constructor(
    private readonly directory: OrganisationDirectory,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {
    if (runtime.config.oidc) this.provider = new OidcProvider(runtime.config.oidc);
  }

  @Public()
  @Get('start')
  @ApiOperation({ summary: "Sign in through the bank's OpenID Connect provider (authorization code + PKCE): redirects there (only when OIDC_ISSUER is set)" })
  @ApiResponse({
    status: 303,
    description: "to the provider's authorization endpoint; to `/` without OIDC_ISSUER, or to `/?signin-error=OIDC_UNAVAILABLE` when the provider's discovery fails",
    headers: { Location: { description: 'where the browser goes next', schema: { type: 'string' } } },
  })
  async start(@Req() req: Request, @Res() res: Response) {
    if (!this.provider) return res.redirect(303, '/');
    let started: Awaited<ReturnType<OidcProvider['start']>>;
    try {
      started = await this.provider.start();
    } catch (err) {
      this.runtime.log.error({ err: String(err) }, 'OpenID Connect discovery failed');
      return res.redirect(303, '/?signin-error=OIDC_UNAVAILABLE');
    }
    await this.runtime.db.pool.query(`INSERT INTO auth_oidc_requests (state, code_verifier, nonce) VALUES ($1, $2, $3)`, [started.state, started.codeVerifier, started.nonce]);
    res.cookie(STATE_COOKIE, started.state, { ...STATE_COOKIE_OPTIONS, secure: req.secure });
    return res.redirect(303, started.url.href);
  }

  @Public()
  @Get('callback')
  @ApiExcludeEndpoint() // the provider calls it, with parameters of its own; nothing for an API client
  async callback(@Req() req: Request, @Res() res: Response, @Query('state') state?: string) {
    if (!this.provider) return res.redirect(303, '/');
    const ownState = readCookie(req, STATE_COOKIE);
    res.clearCookie(STATE_COOKIE, { ...STATE_COOKIE_OPTIONS, maxAge: undefined, secure: req.secure });
    if (typeof state !== 'string' || ownState !== state) return res.redirect(303, '/?signin-error=OIDC_STATE_UNKNOWN');
    // Each pending sign-in is used once, and only within ten minutes.
    const { rows } = await this.runtime.db.pool.query(
      `DELETE FROM auth_oidc_requests WHERE state = $1 AND created_at > now() - interval '10 minutes' RETURNING code_verifier, nonce`,
      [typeof state === 'string' ? state : ''],
    );
    if (!rows[0]) return res.redirect(303, '/?signin-error=OIDC_STATE_UNKNOWN');
    let staffId: string | null;
    try {
      const callbackUrl = new URL(req.originalUrl, this.provider.settings.redirectUri);
      staffId = await this.provider.finish(callbackUrl, { state: String(state), codeVerifier: rows[0].code_verifier, nonce: rows[0].nonce });
    } catch (err) {
      this.runtime.log.warn({ err: String(err) }, 'OpenID Connect sign-in refused');
      return res.redirect(303, '/?signin-error=OIDC_REFUSED');
    }
    const staff = staffId ? (await this.directory.current()).staff.get(staffId) : undefined;
    if (!staff || staff.active === false) {
      this.runtime.log.warn({ staffId }, 'OpenID Connect subject names no active staff member');
      return res.redirect(303, '/?signin-error=UNKNOWN_STAFF');
    }
    setSessionCookies(req, res, await this.runtime.sessions.create(staff.staffId, 'oidc'));
    return res.redirect(303, '/');
  }
}
