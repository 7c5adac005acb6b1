import { campaignInScope, forbidden, notFound, type Actor, type Organisation } from '@app/domain';
import { campaignOwner, type Queryable } from '@app/read-models';

/** 404 for an unknown campaign, 403 for one outside the reader's scope (see `campaignInScope`). */
export async function requireCampaignInScope(org: Organisation, actor: Actor, db: Queryable, campaignId: string): Promise<void> {
  const owner = await campaignOwner(db, campaignId);
  if (owner === null) throw notFound('UNKNOWN_CAMPAIGN', `no campaign ${campaignId}`, { campaignId });
  if (!campaignInScope(org, actor, owner)) throw forbidden('OUTSIDE_SCOPE', `campaign ${campaignId} belongs to ${owner}, outside your scope`, { campaignId, ownerUnitId: owner });
}
