import { Body, Controller, Get, HttpCode, HttpException, HttpStatus, Inject, Param, Post, Req, Res } from '@nestjs/common';
import { ApiBody, ApiCookieAuth, ApiOperation, ApiTags } from '@nestjs/swagger';
import type { Request, Response } from 'express';
import { z } from 'zod';
import { forbidden, notFound, refused, type Actor } from '@app/domain';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import { MAX_PASSWORD_LENGTH, passwordProblem, type Runtime } from '@app/platform';
import { emptyBody, id, parseBody, toOpenApi } from '@app/interactions';
import { ANY_ROLE, CurrentActor, Public, Roles } from '../http/auth';
import { readCookie, SESSION_COOKIE, type SessionRequest } from '../http/session-cookie';
import { clearSessionCookies, setSessionCookies } from './auth-cookies';
import { Answer, authConfigAnswer, oneTimePasswordAnswer, signedInAnswer, signedOutAnswer } from '../openapi/answers';

const password = z.string().min(1).max(MAX_PASSWORD_LENGTH);

/** 429 for an address that failed too often: the same answer whatever id it tried. */
function tooManyTries(res: Response, retryAt: Date): HttpException {
  const seconds = Math.max(1, Math.ceil((retryAt.getTime() - Date.now()) / 1000));
  res.setHeader('Retry-After', String(seconds));
  return new HttpException({ code: 'TOO_MANY_SIGN_IN_ATTEMPTS', message: 'too many failed sign-ins from this address: try again later', details: { retryAfterSeconds: seconds } }, HttpStatus.TOO_MANY_REQUESTS);
}
const signIn = z.strictObject({ staffId: id, password });
const changePassword = z.strictObject({ currentPassword: password, newPassword: password });
const oneTimePassword = z.strictObject({ password });

/**
 * Staff sign-in for the browser: staff id and password (or the bank's OpenID Connect provider, see
 * oidc.controller.ts), a session in an httpOnly SameSite=Strict cookie with a CSRF token, a
 * one-time password set by an administrator that must be changed, and lockout after repeated
 * failures. Bearer tokens (campaignctl token) stay for the API and the CLI.
 */
@ApiTags('auth')
@Controller('api/auth')
export class AuthController {
  constructor(
    private readonly directory: OrganisationDirectory,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  @Public()
  @Get('config')
  @ApiOperation({ summary: 'How staff sign in here (password, or the bank\'s OpenID Connect provider) and the bank\'s time zone' })
  @Answer(authConfigAnswer, { mode: 'password', bankTimeZone: 'Asia/Shanghai' })
  config(): Answer<typeof authConfigAnswer> {
    return { mode: this.runtime.config.oidc ? 'oidc' : 'password', bankTimeZone: this.runtime.config.bankTimeZone };
  }

  @Public()
  @Post('sign-in')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Sign in with staff id and password: sets the session cookie (httpOnly, SameSite=Strict) and the CSRF cookie',
    description:
      'Writes made with the session cookie must send the `cp_csrf` cookie\'s value in an `X-CSRF-Token` header. ' +
      'Wrong id or password: 401 INVALID_CREDENTIALS (the same for an unknown id). After AUTH_MAX_FAILED_SIGN_INS (5) wrong passwords in a row the account is locked ' +
      'for AUTH_LOCKOUT_MINUTES (15): 423 ACCOUNT_LOCKED, even with the right password, until then or until an administrator sets a new one-time password; an unknown id locks the same way. ' +
      'A client address (IPv6: its /64) that failed AUTH_MAX_FAILED_SIGN_INS_PER_ADDRESS (100) times in that window, across accounts, is refused first: 429 TOO_MANY_SIGN_IN_ATTEMPTS with Retry-After, ' +
      'and its tries count against no account — except for an account that signed in from that address in the last 30 days, which is checked as usual (others\' failures never refuse its right password). ' +
      'A one-time password signs in with `mustChangePassword: true`; such a session reaches only /api/auth/ until POST /api/auth/password. ' +
      'Refused (403 PASSWORD_SIGN_IN_DISABLED) when OIDC_ISSUER is set.',
  })
  @ApiBody({ schema: toOpenApi(signIn), examples: { staff: { value: { staffId: 'head-sh', password: 'correct horse 42' } } } })
  @Answer(signedInAnswer, { staffId: 'head-sh', displayName: '王经理', role: 'branch_head', unitId: 'BR-SH', mustChangePassword: false }, 'signed in: who, and whether the password must be changed first')
  async signIn(@Req() req: Request & { tokenUserId?: string }, @Res({ passthrough: true }) res: Response, @Body() body: unknown): Promise<Answer<typeof signedInAnswer>> {
    if (this.runtime.config.oidc) throw forbidden('PASSWORD_SIGN_IN_DISABLED', 'this bank signs its staff in through its OpenID Connect provider: GET /api/auth/oidc/start');
    const b = parseBody(signIn, body);
    req.tokenUserId = b.staffId; // the audit log names who tried (never the password)
    const staff = (await this.directory.current()).staff.get(b.staffId);
    const outcome = await this.runtime.credentials.attempt(b.staffId, b.password, new Date(), req.ip ?? 'unknown');
    if (!outcome.ok && outcome.reason === 'throttled') throw tooManyTries(res, outcome.retryAt);
    if (!outcome.ok && outcome.reason === 'locked') {
      throw new HttpException({ code: 'ACCOUNT_LOCKED', message: 'too many wrong passwords: the account is locked; try later or ask an administrator for a new one-time password', details: { lockedUntil: outcome.lockedUntil.toISOString() } }, HttpStatus.LOCKED);
    }
    if (!outcome.ok || !staff || staff.active === false) throw new HttpException({ code: 'INVALID_CREDENTIALS', message: 'wrong staff id or password' }, HttpStatus.UNAUTHORIZED);
    const session = await this.runtime.sessions.create(staff.staffId, 'password');
    setSessionCookies(req, res, session);
    return this.me(staff.staffId, outcome.mustChange);
  }

  @Roles(...ANY_ROLE)
  @Get('session')
  @ApiCookieAuth(SESSION_COOKIE)
  @ApiOperation({ summary: 'Who is signed in (session cookie or bearer token), and whether they must change their one-time password' })
  @Answer(signedInAnswer)
  async session(@Req() req: SessionRequest, @CurrentActor() actor: Actor): Promise<Answer<typeof signedInAnswer>> {
    return this.me(actor.userId, req.authSession?.mustChangePassword ?? false);
  }

  @Roles(...ANY_ROLE)
  @Post('password')
  @HttpCode(200)
  @ApiCookieAuth(SESSION_COOKIE)
  @ApiOperation({
    summary: 'Change one\'s own password (a wrong current one counts towards the account\'s lockout, not the address\'s sign-in budget)',
    description: '422 INVALID_CREDENTIALS (field currentPassword); after AUTH_MAX_FAILED_SIGN_INS wrong ones in a row the account is locked as at sign-in (423 ACCOUNT_LOCKED); WEAK_PASSWORD (field newPassword: at least 10 characters, letters and digits, not containing the staff id), PASSWORD_REUSED. Ends the user\'s other sessions.',
  })
  @ApiBody({ schema: toOpenApi(changePassword), examples: { change: { value: { currentPassword: 'one-time 123', newPassword: 'my own secret 42' } } } })
  @Answer(signedInAnswer, { staffId: 'head-sh', displayName: '王经理', role: 'branch_head', unitId: 'BR-SH', mustChangePassword: false }, 'changed: who is signed in, no longer bound to change the password')
  async changePassword(@Req() req: SessionRequest, @CurrentActor() actor: Actor, @Body() body: unknown): Promise<Answer<typeof signedInAnswer>> {
    const b = parseBody(changePassword, body);
    const problem = passwordProblem(actor.userId, b.newPassword);
    if (problem) throw refused('WEAK_PASSWORD', `the new password is too weak: ${problem}`, { field: 'newPassword' });
    if (b.newPassword === b.currentPassword) throw refused('PASSWORD_REUSED', 'the new password must differ from the current one', { field: 'newPassword' });
    const outcome = await this.runtime.credentials.checkCurrentPassword(actor.userId, b.currentPassword, new Date());
    if (!outcome.ok && outcome.reason === 'locked') throw new HttpException({ code: 'ACCOUNT_LOCKED', message: 'too many wrong passwords: the account is locked', details: { lockedUntil: outcome.lockedUntil.toISOString(), field: 'currentPassword' } }, HttpStatus.LOCKED);
    if (!outcome.ok) throw refused('INVALID_CREDENTIALS', 'the current password is wrong', { field: 'currentPassword' });
    await this.runtime.credentials.changePassword(actor.userId, b.newPassword);
    if (req.authSession) await this.runtime.sessions.endOthers(actor.userId, req.authSession.id);
    return this.me(actor.userId, false);
  }

  @Roles(...ANY_ROLE)
  @Post('sign-out')
  @HttpCode(200)
  @ApiCookieAuth(SESSION_COOKIE)
  @ApiOperation({ summary: 'End this browser session and clear its cookies (a bearer token is not affected: see revoke-tokens)' })
  @ApiBody({ schema: toOpenApi(emptyBody), required: false, examples: { none: { value: {} } } })
  @Answer(signedOutAnswer, { signedOut: true })
  async signOut(@Req() req: Request, @Res({ passthrough: true }) res: Response, @Body() body: unknown): Promise<Answer<typeof signedOutAnswer>> {
    parseBody(emptyBody, body);
    const id = readCookie(req, SESSION_COOKIE);
    if (id) await this.runtime.sessions.end(id);
    clearSessionCookies(req, res);
    return { signedOut: true };
  }

  @Roles('admin')
  @Post('staff/:staffId/one-time-password')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Set a staff member\'s one-time password (admin): they must change it at their next sign-in; a lockout is lifted',
    description: 'Tell the person the password by a separate channel. It is stored only as an scrypt hash. 422 WEAK_PASSWORD (field password).',
  })
  @ApiBody({ schema: toOpenApi(oneTimePassword), examples: { reset: { value: { password: 'temporary 2026' } } } })
  @Answer(oneTimePasswordAnswer, { staffId: 'rm-001', mustChangePassword: true })
  async setOneTimePassword(@Param('staffId') staffId: string, @Body() body: unknown): Promise<Answer<typeof oneTimePasswordAnswer>> {
    const b = parseBody(oneTimePassword, body);
    const staff = (await this.directory.current()).staff.get(staffId);
    if (!staff) throw notFound('UNKNOWN_STAFF', `no staff member ${staffId}`);
    const problem = passwordProblem(staffId, b.password);
    if (problem) throw refused('WEAK_PASSWORD', `the password is too weak: ${problem}`, { field: 'password' });
    await this.runtime.credentials.setOneTimePassword(staffId, b.password);
    // A reset: whoever held the old password (or a session signed in with it) is out.
    await this.runtime.sessions.endAll(staffId);
    return { staffId, mustChangePassword: true };
  }

  private async me(staffId: string, mustChangePassword: boolean): Promise<Answer<typeof signedInAnswer>> {
    const staff = (await this.directory.current()).staff.get(staffId)!;
    return { staffId: staff.staffId, displayName: staff.displayName, role: staff.role, unitId: staff.unitId, mustChangePassword };
  }
}
