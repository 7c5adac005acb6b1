import { invalid } from '../errors';
import type { CustomerCommandOf } from './customer.commands';
import type { CustomerEventOf, ParticipationKind } from './customer.events';
import { requireCampaignReach } from './customer-campaign-reach';
import type { ContactState } from './customer-contact';

export const PARTICIPATION_KINDS = ['contacted', 'attended', 'served'] as const satisfies readonly ParticipationKind[];

/**
 * The campaigns the customer took part in (004 篇九 第三十条 2: the executors keep the list of the
 * customers who took part). A participant is a treatment customer for whom taking part was
 * recorded (reached, attended, served), or who accepted one of the campaign's offers. Only they
 * pay a share of the campaign's cost, from their benefit points (第三十条 2–3).
 */
export interface ParticipationState {
  readonly participations: ReadonlySet<string>;
}

export const initialParticipation = (): ParticipationState => ({ participations: new Set() });

export type ParticipationCommand = CustomerCommandOf<'RecordCampaignParticipation'>;
/** An accepted campaign offer is taking part too. */
export type ParticipationEvent = CustomerEventOf<'CustomerTookPartInCampaign' | 'OfferAccepted'>;

export function evolveParticipation<S extends ParticipationState>(s: S, e: ParticipationEvent): S {
  switch (e.type) {
    case 'CustomerTookPartInCampaign':
    case 'OfferAccepted': {
      const campaignId = e.data.campaignId;
      if (campaignId === null || s.participations.has(campaignId)) return s;
      return { ...s, participations: new Set(s.participations).add(campaignId) };
    }
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decideParticipation(c: ParticipationCommand, s: ParticipationState & ContactState): CustomerEventOf<'CustomerTookPartInCampaign'>[] {
  if (!(PARTICIPATION_KINDS as readonly string[]).includes(c.how)) throw invalid('INVALID_PARTICIPATION', `how is one of ${PARTICIPATION_KINDS.join(', ')}`, { how: c.how });
  // Taking part is reaching the customer: only the campaign's treatment customers, while it runs.
  requireCampaignReach(s, c.campaign, c.at, []);
  if (s.participations.has(c.campaign.campaignId)) return [];
  return [{ type: 'CustomerTookPartInCampaign', data: { campaignId: c.campaign.campaignId, customerId: c.customerId, how: c.how } }];
}
