import type { Decider } from '../decider';
import { requireCustomerAccess } from '../access/access';
import { forbidden, illegalState, invalid, notFound, refused } from '../errors';
import type { CustomerEvent } from '../customer/customer.events';
import type { Organisation } from '../organisation/organisation.state';
import { addYears, isBefore } from '../shared/time';
import { tierRank, type Issued, type Tier } from '../shared/types';

/**
 * VIP cards (004 篇九 第十四、十五条), on the customer's own stream: a card at the tier the
 * customer qualifies for is approved at once; below the threshold only head office may approve a
 * special card, within 5% of the sub-branch's card holders. Valid 2 years; a yearly review charges
 * 100 CNY to a holder below the standard threshold; after cancelling, no new card for a year.
 */
export type VipCardEvent =
  | { type: 'VipCardApplied'; data: { customerId: string; applicationId: string; tier: Tier; special: boolean } }
  | { type: 'VipCardApplicationApproved'; data: { customerId: string; applicationId: string; approvedBy: string; special: boolean } }
  /** Version 2: the reason's text is in the customer's vault (`reasonNote`); version 1 carried it as `reason`. */
  | { type: 'VipCardApplicationRefused'; data: { customerId: string; applicationId: string; refusedBy: string; reasonNote: string | null } }
  | { type: 'VipCardIssued'; data: { customerId: string; cardId: string; applicationId: string; tier: Tier; special: boolean; unitId: string; validUntil: string } }
  /**
   * `reason`: 'annual_review' when the yearly review moved the card to the customer's tier, which
   * the supervision report does not count as a tier mismatch. Absent on events written before it
   * was added (and on changes from elsewhere): a change of unrecorded cause.
   */
  | { type: 'VipCardTierChanged'; data: { customerId: string; cardId: string; from: Tier; to: Tier; reason?: 'annual_review' } }
  | { type: 'VipCardReviewed'; data: { customerId: string; cardId: string; year: number; belowThreshold: boolean; feeCharged: string } }
  | { type: 'VipCardCancelled'; data: { customerId: string; cardId: string; special: boolean; /** Version 2: a vault note (version 1: `reason`, text). */ reasonNote: string | null; noNewCardBefore: string } };

/** Cards of one sub-branch: the 5% special-card quota is decided here (`vip-cards-<unitId>`). */
export interface CardQuota {
  readonly holders: number;
  readonly special: number;
}

export const SPECIAL_CARD_SHARE = 0.05;
export const REVIEW_FEE = '100.00';

export type VipCardCommand = Issued & { customerId: string; org: Organisation } & (
    | { type: 'ApplyForVipCard'; applicationId: string; tier: Tier }
    | { type: 'DecideSpecialCard'; applicationId: string; approve: boolean; /** A refusal's reason, as its note in the vault. */ reasonNote: string | null; quota: CardQuota }
    | { type: 'IssueVipCard'; cardId: string }
    | { type: 'ReviewVipCard'; year: number }
    | { type: 'CancelVipCard'; /** The reason's note in the vault. */ reasonNote: string | null }
  );

export interface VipCardState {
  readonly customerId: string;
  readonly exists: boolean;
  readonly homeUnitId: string;
  readonly managerId: string | null;
  readonly tier: Tier;
  readonly application: { applicationId: string; tier: Tier; special: boolean; status: 'pending' | 'approved' | 'refused' } | null;
  readonly card: { cardId: string; tier: Tier; special: boolean; validUntil: string; reviewedYears: readonly number[] } | null;
  readonly noNewCardBefore: string | null;
}

export const initialState = (): VipCardState => ({ customerId: '', exists: false, homeUnitId: '', managerId: null, tier: 'ordinary', application: null, card: null, noNewCardBefore: null });

export function evolve(s: VipCardState, e: VipCardEvent | CustomerEvent): VipCardState {
  switch (e.type) {
    case 'CustomerOnboarded':
      return { ...s, exists: true, customerId: e.data.customerId, homeUnitId: e.data.homeUnitId };
    case 'CustomerAssignedToManager':
      return { ...s, managerId: e.data.staffId };
    case 'CustomerTransferred':
      return { ...s, homeUnitId: e.data.toUnitId, managerId: e.data.toStaffId };
    case 'CustomerTierChanged':
      return { ...s, tier: e.data.to };
    case 'VipCardApplied':
      return { ...s, application: { applicationId: e.data.applicationId, tier: e.data.tier, special: e.data.special, status: 'pending' } };
    case 'VipCardApplicationApproved':
      return { ...s, application: s.application && { ...s.application, status: 'approved' } };
    case 'VipCardApplicationRefused':
      return { ...s, application: s.application && { ...s.application, status: 'refused' } };
    case 'VipCardIssued':
      return { ...s, application: null, card: { cardId: e.data.cardId, tier: e.data.tier, special: e.data.special, validUntil: e.data.validUntil, reviewedYears: [] } };
    case 'VipCardTierChanged':
      return { ...s, card: s.card && { ...s.card, tier: e.data.to } };
    case 'VipCardReviewed':
      return { ...s, card: s.card && { ...s.card, reviewedYears: [...s.card.reviewedYears, e.data.year] } };
    case 'VipCardCancelled':
      return { ...s, card: null, noNewCardBefore: e.data.noNewCardBefore };
    default:
      return s;
  }
}

export function decide(c: VipCardCommand, s: VipCardState): VipCardEvent[] {
  const customerId = c.customerId;
  if (!s.exists) throw notFound('UNKNOWN_CUSTOMER', `no customer ${customerId}`, { customerId });
  requireCustomerAccess(c.by, c.org, customerId, s);
  switch (c.type) {
    case 'ApplyForVipCard': {
      if (s.card) throw illegalState('CARD_ALREADY_HELD', 'the customer already holds a VIP card', { cardId: s.card.cardId });
      if (s.application?.status === 'pending' || s.application?.status === 'approved') {
        throw illegalState('APPLICATION_PENDING', 'an application is already open', { applicationId: s.application.applicationId });
      }
      if (s.noNewCardBefore && isBefore(c.at, s.noNewCardBefore)) {
        throw refused('REAPPLY_TOO_SOON', `a cancelled card bars a new one until ${s.noNewCardBefore}`, { noNewCardBefore: s.noNewCardBefore });
      }
      if (c.tier === 'ordinary') throw refused('NOT_A_VIP_TIER', 'VIP cards are standard, platinum or black');
      const special = tierRank(c.tier) > tierRank(s.tier);
      const applied: VipCardEvent = { type: 'VipCardApplied', data: { customerId, applicationId: c.applicationId, tier: c.tier, special } };
      if (special) return [applied];
      // At the tier the customer qualifies for: approved at once.
      return [applied, { type: 'VipCardApplicationApproved', data: { customerId, applicationId: c.applicationId, approvedBy: 'system', special: false } }];
    }
    case 'DecideSpecialCard': {
      // Who decides comes first: a caller who may not decide learns nothing of the customer's applications.
      if (c.org.units.get(c.by.unitId)?.parentId !== null) throw forbidden('HEAD_OFFICE_ONLY', 'special-approval cards are approved by head office only');
      const a = s.application;
      if (!a || a.applicationId !== c.applicationId || a.status !== 'pending') {
        throw notFound('UNKNOWN_APPLICATION', `no pending special application ${c.applicationId}`, { applicationId: c.applicationId });
      }
      // A refusal says why (the requester reads it in their inbox); the reason's text is a vault note, so no note is no reason.
      if (!c.approve && !c.reasonNote) throw invalid('REASON_REQUIRED', 'a refusal gives its reason', { field: 'reason' });
      if (!c.approve) return [{ type: 'VipCardApplicationRefused', data: { customerId, applicationId: a.applicationId, refusedBy: c.by.userId, reasonNote: c.reasonNote } }];
      const after = { holders: c.quota.holders + 1, special: c.quota.special + 1 };
      if (after.special > SPECIAL_CARD_SHARE * after.holders) {
        throw refused('SPECIAL_CARD_QUOTA', `special cards would be ${after.special} of ${after.holders} holders in ${s.homeUnitId}, above 5%`, { unitId: s.homeUnitId, ...after });
      }
      return [{ type: 'VipCardApplicationApproved', data: { customerId, applicationId: a.applicationId, approvedBy: c.by.userId, special: true } }];
    }
    case 'IssueVipCard': {
      const a = s.application;
      if (!a || a.status !== 'approved') throw illegalState('NO_APPROVED_APPLICATION', 'a card is issued against an approved application');
      return [
        {
          type: 'VipCardIssued',
          data: { customerId, cardId: c.cardId, applicationId: a.applicationId, tier: a.tier, special: a.special, unitId: s.homeUnitId, validUntil: addYears(c.at, 2) },
        },
      ];
    }
    case 'ReviewVipCard': {
      const card = requireCard(s);
      if (card.reviewedYears.includes(c.year)) throw illegalState('ALREADY_REVIEWED', `the card was reviewed for ${c.year}`, { year: c.year });
      const events: VipCardEvent[] = [];
      const qualified = s.tier === 'ordinary' ? null : s.tier;
      if (qualified && qualified !== card.tier && !card.special) {
        events.push({ type: 'VipCardTierChanged', data: { customerId, cardId: card.cardId, from: card.tier, to: qualified, reason: 'annual_review' } });
      }
      const below = s.tier === 'ordinary';
      events.push({ type: 'VipCardReviewed', data: { customerId, cardId: card.cardId, year: c.year, belowThreshold: below, feeCharged: below ? REVIEW_FEE : '0.00' } });
      return events;
    }
    case 'CancelVipCard': {
      const card = requireCard(s);
      return [{ type: 'VipCardCancelled', data: { customerId, cardId: card.cardId, special: card.special, reasonNote: c.reasonNote, noNewCardBefore: addYears(c.at, 1) } }];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

function requireCard(s: VipCardState) {
  if (!s.card) throw illegalState('NO_CARD', 'the customer holds no VIP card');
  return s.card;
}

/**
 * The sub-branch's card registry (`vip-cards-<unitId>`), written in the same append as the
 * customer's card events so that two approvals racing for the last special place cannot both win.
 */
export const vipCardRegistryStream = (unitId: string) => `vip-cards-${unitId}`;

export type VipCardRegistryEvent =
  | { type: 'SpecialCardPlaceTaken'; data: { unitId: string; customerId: string } }
  | { type: 'VipCardHolderAdded'; data: { unitId: string; customerId: string; special: boolean } }
  | { type: 'VipCardHolderRemoved'; data: { unitId: string; customerId: string; special: boolean } };

/** Holders count issued cards; special places count from approval, so approved-but-unissued ones are held. */
export function evolveQuota(q: CardQuota, e: VipCardRegistryEvent): CardQuota {
  switch (e.type) {
    case 'SpecialCardPlaceTaken':
      return { ...q, special: q.special + 1 };
    case 'VipCardHolderAdded':
      return { ...q, holders: q.holders + 1 };
    case 'VipCardHolderRemoved':
      return { holders: q.holders - 1, special: q.special - (e.data.special ? 1 : 0) };
  }
}

/** What the registry records alongside a customer's card events. */
export function registryEventsFor(events: readonly VipCardEvent[], unitId: string): VipCardRegistryEvent[] {
  return events.flatMap((e): VipCardRegistryEvent[] => {
    if (e.type === 'VipCardApplicationApproved' && e.data.special) return [{ type: 'SpecialCardPlaceTaken', data: { unitId, customerId: e.data.customerId } }];
    if (e.type === 'VipCardIssued') return [{ type: 'VipCardHolderAdded', data: { unitId, customerId: e.data.customerId, special: e.data.special } }];
    if (e.type === 'VipCardCancelled') return [{ type: 'VipCardHolderRemoved', data: { unitId, customerId: e.data.customerId, special: e.data.special } }];
    return [];
  });
}

export const vipCardDecider: Decider<VipCardCommand, VipCardState, VipCardEvent> = {
  initialState,
  evolve: evolve as (s: VipCardState, e: VipCardEvent) => VipCardState,
  decide,
};
