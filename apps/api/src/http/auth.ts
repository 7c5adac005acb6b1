import { createParamDecorator, ForbiddenException, Inject, Injectable, SetMetadata, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Actor, Role } from '@app/domain';
import { TokenError, type Runtime, type TokenClaims } from '@app/platform';
import { OrganisationDirectory, RUNTIME } from '@app/application';
import { sessionSubject } from './session-cookie';

const PUBLIC = Symbol('public');
const ROLES = Symbol('roles');

/** Marks a route that needs no token (health, docs, first-run set-up). */
export const Public = () => SetMetadata(PUBLIC, true);
/** Whether a route handler was marked `@Public()` (the OpenAPI document says so too). */
export const isPublic = (handler: object): boolean => Reflect.getMetadata(PUBLIC, handler) === true;

/** The roles that may call a route. A route with neither `@Roles` nor `@Public` is refused to everyone. */
export const Roles = (...roles: Role[]) => SetMetadata(ROLES, roles);

/** Every role: for reads whose answer is then narrowed to the caller's scope. */
export const ANY_ROLE: Role[] = ['marketer', 'approver', 'relationship_manager', 'branch_head', 'analyst', 'admin'];

/** What a route declares about who may call it (used by the guard and by the access-matrix test). */
export function routePolicy(reflector: Reflector, targets: Parameters<Reflector['getAllAndOverride']>[1]): { public: boolean; roles: Role[] | undefined } {
  return { public: reflector.getAllAndOverride<boolean>(PUBLIC, targets) ?? false, roles: reflector.getAllAndOverride<Role[]>(ROLES, targets) };
}

const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/;

/** A request's bearer token, checked once: the rate limiter checks it first and the guard reuses the result. */
export type CheckedToken = { readonly token: string; readonly claims: TokenClaims } | { readonly token: string; readonly error: TokenError };

export function checkToken(runtime: Runtime, req: { checkedToken?: CheckedToken }, token: string): CheckedToken {
  if (req.checkedToken?.token === token) return req.checkedToken;
  try {
    req.checkedToken = { token, claims: runtime.tokens.verify(token) };
  } catch (err) {
    if (!(err instanceof TokenError)) throw err;
    req.checkedToken = { token, error: err };
  }
  return req.checkedToken;
}

/**
 * Authentication and the role check, for every route: the bearer token (a JWT from
 * `campaignctl token --user <id>`) names a staff member; their role and unit come from the
 * organisation as it is now. Scope (which customers, units, campaigns) is narrowed further by
 * the deciders on the write side and by the query layer on the read side.
 */
@Injectable()
export class AuthGuard implements CanActivate {
  constructor(
    private readonly directory: OrganisationDirectory,
    private readonly reflector: Reflector,
    @Inject(RUNTIME) private readonly runtime: Runtime,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    const policy = routePolicy(this.reflector, [context.getHandler(), context.getClass()]);
    if (policy.public) return true;
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor; tokenUserId?: string; checkedToken?: CheckedToken }>();
    const header = req.header('authorization');
    // No bearer token: the browser's session cookie, if any (http/session-cookie.ts).
    const subject = header ? this.bearerSubject(req, header) : await sessionSubject(this.runtime, req);
    if (!subject) throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: 'sign in (POST /api/auth/sign-in), or send a bearer token: Authorization: Bearer <token> (campaignctl token --user <id>)' });
    const { userId, issuedAt } = subject;
    req.tokenUserId = userId; // for the audit log, even when the user is not (or no longer) known
    const staff = (await this.directory.current()).staff.get(userId);
    if (!staff || staff.active === false) throw new UnauthorizedException({ code: 'UNKNOWN_ACTOR', message: 'the token names no current staff member' });
    // Revocation refuses every token issued up to it, inclusive (to the millisecond the token carries).
    if (staff.tokensValidFrom && issuedAt.getTime() <= Date.parse(staff.tokensValidFrom)) {
      throw new UnauthorizedException({ code: 'TOKEN_REVOKED', message: 'this token was revoked; mint a new one (campaignctl token --user <id>)' });
    }
    req.actor = { userId: staff.staffId, unitId: staff.unitId, role: staff.role };
    if (!policy.roles?.includes(staff.role)) {
      throw new ForbiddenException({ code: 'ROLE_NOT_ALLOWED', message: policy.roles ? `this needs the role ${policy.roles.join(' or ')}` : 'no role may call this route', details: { required: policy.roles ?? [], actual: staff.role } });
    }
    return true;
  }

  private bearerSubject(req: Request & { checkedToken?: CheckedToken }, header: string): { userId: string; issuedAt: Date } {
    const match = BEARER.exec(header);
    if (!match) throw new UnauthorizedException({ code: 'INVALID_TOKEN', message: 'the Authorization header must be "Bearer <token>"' });
    const checked = checkToken(this.runtime, req, match[1]!);
    if ('error' in checked) throw new UnauthorizedException({ code: checked.error.reason === 'expired' ? 'TOKEN_EXPIRED' : 'INVALID_TOKEN', message: checked.error.message });
    return checked.claims;
  }
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
