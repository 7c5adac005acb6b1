import { campaignInScope, forbidden, isWithin, notFound, type Actor, type Organisation } from '@app/domain';
import { campaignOwner, type Queryable } from '@app/read-models';

/** 404 for an unknown campaign, 403 for one outside the reader's scope (see `campaignInScope`). */
export async function requireCampaignInScope(org: Organisation, actor: Actor, db: Queryable, campaignId: string, options: { overseeing?: boolean } = {}): Promise<void> {
  const owner = await campaignOwner(db, campaignId);
  if (owner === null) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
  // `overseeing`: sale-level detail only for readers of the owning unit and above (not for units the campaign merely runs in).
  const global = actor.role === 'admin' || actor.role === 'analyst';
  const allowed = options.overseeing ? global || isWithin(org, owner, actor.unitId) : campaignInScope(org, actor, owner);
  if (!allowed) throw forbidden('OUTSIDE_SCOPE', `campaign ${campaignId} is outside your scope`, { campaignId });
}
