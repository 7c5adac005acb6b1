import { createParamDecorator, Injectable, SetMetadata, UnauthorizedException, type CanActivate, type ExecutionContext } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import type { Request } from 'express';
import type { Actor } from '@app/domain';
import { OrganisationDirectory } from '../organisation/organisation.directory';

export const ACTOR_HEADER = 'x-actor-id';
const PUBLIC = Symbol('public');

/** Marks a route that needs no actor (health, docs, first-run set-up). */
export const Public = () => SetMetadata(PUBLIC, true);

/**
 * Resolves who is acting from the `X-Actor-Id` header (a staff id of the organisation).
 * Bearer tokens replace the header with the security work; the rest of the code only sees `Actor`.
 */
@Injectable()
export class ActorGuard implements CanActivate {
  constructor(
    private readonly directory: OrganisationDirectory,
    private readonly reflector: Reflector,
  ) {}

  async canActivate(context: ExecutionContext): Promise<boolean> {
    if (this.reflector.getAllAndOverride<boolean>(PUBLIC, [context.getHandler(), context.getClass()])) return true;
    const req = context.switchToHttp().getRequest<Request & { actor?: Actor }>();
    const id = req.header(ACTOR_HEADER);
    if (!id) throw new UnauthorizedException({ code: 'UNAUTHENTICATED', message: `send the acting staff member's id in ${ACTOR_HEADER}` });
    const staff = (await this.directory.current()).staff.get(id);
    if (!staff) throw new UnauthorizedException({ code: 'UNKNOWN_ACTOR', message: `no staff member ${id}` });
    req.actor = { userId: staff.staffId, unitId: staff.unitId, role: staff.role };
    return true;
  }
}

export const CurrentActor = createParamDecorator((_: unknown, ctx: ExecutionContext): Actor => {
  return ctx.switchToHttp().getRequest<{ actor: Actor }>().actor;
});
