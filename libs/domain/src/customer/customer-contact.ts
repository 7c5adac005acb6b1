import { illegalState, refused } from '../errors';
import { contactPolicyFor } from '../organisation/organisation.state';
import type { Channel } from '../shared/types';
import { staffMember } from './customer.checks';
import type { CustomerCommandOf } from './customer.commands';
import { channelNotInCampaign, duplicate, optedOut, optedOutOfCampaign } from './customer.errors';
import type { CustomerEventOf, Group } from './customer.events';
import { requireCampaignReach, requireOutsideOtherControlGroups } from './customer-campaign-reach';
import { contactLimitBreach } from './customer.rules';
import type { PersonalDataState } from './customer-personal-data';
import type { RelationshipState } from './customer-relationship';

export interface ContactRecord {
  readonly staffId: string;
  readonly campaignId: string | null;
  readonly at: string;
}

/**
 * Whether and how the customer may be contacted, and by which campaigns. Contact is opt-out
 * (DOMAIN.md, Privacy; 001 服务准则 1): every channel is open until the customer opts out of it.
 */
export interface ContactState {
  /** Channels the customer opted out of (`ConsentWithdrawn`), until they opt back in (`ConsentGranted`). */
  readonly optedOut: ReadonlySet<Channel>;
  readonly enrolments: ReadonlyMap<string, Group>;
  readonly contacts: ReadonlyMap<string, ContactRecord>;
}

export const initialContact = (): ContactState => ({ optedOut: new Set(), enrolments: new Map(), contacts: new Map() });

export type ContactCommand = CustomerCommandOf<'SetConsent' | 'EnrolInCampaign' | 'RecordContact'>;
export type ContactEvent = CustomerEventOf<'ConsentGranted' | 'ConsentWithdrawn' | 'CustomerEnrolledInCampaign' | 'CustomerContacted'>;

export function evolveContact<S extends ContactState>(s: S, e: ContactEvent): S {
  switch (e.type) {
    case 'ConsentWithdrawn':
      return s.optedOut.has(e.data.channel) ? s : { ...s, optedOut: new Set(s.optedOut).add(e.data.channel) };
    case 'ConsentGranted': {
      // Older streams record grants of channels never opted out of: those change nothing.
      if (!s.optedOut.has(e.data.channel)) return s;
      const optedOut = new Set(s.optedOut);
      optedOut.delete(e.data.channel);
      return { ...s, optedOut };
    }
    case 'CustomerEnrolledInCampaign':
      return { ...s, enrolments: new Map(s.enrolments).set(e.data.campaignId, e.data.group) };
    case 'CustomerContacted':
      return { ...s, contacts: new Map(s.contacts).set(e.data.contactId, { staffId: e.data.staffId, campaignId: e.data.campaignId, at: e.data.contactedAt }) };
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decideContact(c: ContactCommand, s: ContactState & RelationshipState & PersonalDataState): ContactEvent[] {
  const customerId = c.customerId;
  switch (c.type) {
    case 'SetConsent': {
      // An opt-out, or an opt-in that undoes one; anything else changes nothing.
      if (s.optedOut.has(c.channel) !== c.granted) return [];
      return [{ type: c.granted ? 'ConsentGranted' : 'ConsentWithdrawn', data: { customerId, channel: c.channel } }];
    }
    case 'EnrolInCampaign': {
      // A launch repeated after a failure enrols the same audience again: the first split stands.
      if (s.enrolments.has(c.campaignId)) return [];
      if (s.erased) throw illegalState('DATA_ERASED', 'this customer\'s data was erased at their request; no campaign enrols them', { customerId });
      // Treatment or control alike: a control group stands for customers the campaign could have reached.
      if (c.channels.every((ch) => s.optedOut.has(ch))) throw optedOutOfCampaign(c.campaignId, c.channels);
      if (!c.includeOtherControlGroups) requireOutsideOtherControlGroups(s, c.campaignId, c.controlGroupsInForce);
      return [{ type: 'CustomerEnrolledInCampaign', data: { campaignId: c.campaignId, customerId, group: c.group } }];
    }
    case 'RecordContact': {
      if (s.contacts.has(c.contactId)) throw duplicate('contact', c.contactId);
      staffMember(c.org, c.staffId);
      if (s.optedOut.has(c.channel)) throw optedOut(c.channel);
      if (c.campaign) {
        requireCampaignReach(s, c.campaign, c.at, c.controlGroupsInForce);
        if (!c.campaign.channels.includes(c.channel)) throw channelNotInCampaign(c.campaign.campaignId, c.channel);
        // The policy in force is the nearest one set at or above the customer's unit.
        const breach = contactLimitBreach(s, c.campaign.campaignId, c.at, contactPolicyFor(c.org, s.homeUnitId));
        if (breach) {
          throw refused('CONTACT_LIMIT_REACHED', `contact policy: at most ${breach.max} ${breach.limit === 'per_customer_30_days' ? 'campaign contacts per customer in 30 bank days' : 'contacts per campaign in 7 bank days'}`, { ...breach });
        }
      }
      const campaignId = c.campaign?.campaignId ?? null;
      return [{ type: 'CustomerContacted', data: { contactId: c.contactId, customerId, staffId: c.staffId, channel: c.channel, campaignId, outcomeNote: c.outcomeNote, contactedAt: c.at } }];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}
