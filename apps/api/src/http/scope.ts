import { campaignInScope, forbidden, isWithin, notFound, type Actor, type Organisation } from '@app/domain';
import { campaignOwner, type Queryable } from '@app/read-models';

/** 404 for an unknown campaign and for one outside the reader's scope alike (see `campaignInScope`). */
export async function requireCampaignInScope(org: Organisation, actor: Actor, db: Queryable, campaignId: string, options: { overseeing?: boolean } = {}): Promise<void> {
  const owner = await campaignOwner(db, campaignId);
  if (owner === null) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
  // `overseeing`: sale-level detail only for readers of the owning unit and above (not for units the campaign merely runs in).
  const global = actor.role === 'admin' || actor.role === 'analyst';
  // Outside the reader's scope answers as an unknown id does: a 403 would tell which campaigns exist.
  if (!campaignInScope(org, actor, owner)) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
  if (options.overseeing && !(global || isWithin(org, owner, actor.unitId))) throw forbidden('OUTSIDE_SCOPE', `campaign ${campaignId}'s sale-level detail is for its owning unit and above`, { campaignId });
}
