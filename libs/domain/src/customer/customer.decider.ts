import type { Decider } from '../decider';
import { requireBusinessTimeAllowed } from '../periods/business-time';
import { requireAccess, requireFeedRole, requireRecordedByThemselves } from './customer.checks';
import type { CustomerCommand } from './customer.commands';
import { unknownCustomer } from './customer.errors';
import { illegalState } from '../errors';
import type { CustomerEvent } from './customer.events';
import { initialCustomerState, type CustomerState } from './customer.state';
import type { CustomerStreamEvent } from './customer.stream';
import { decideClaims, evolveClaims, requireNoClaimPending } from './customer-claims';
import { decideComplaints, evolveComplaints } from './customer-complaints';
import { decideContact, evolveContact } from './customer-contact';
import { decideParticipation, evolveParticipation } from './customer-participation';
import { decidePersonalData, evolvePersonalData } from './customer-personal-data';
import { decideReferrals, evolveReferrals } from './customer-referrals';
import { decideRelationship, evolveRelationship, requireOnboardingScope } from './customer-relationship';
import { decideSelling, evolveSelling } from './customer-selling';
import { decideSuitability, evolveSuitability } from './customer-suitability';
import { decideTier, evolveTier } from './customer-tier';
import { decideTransferRequests, evolveTransferRequests } from './customer-transfer-requests';

export const customerStream = (customerId: string) => `customer-${customerId}`;

export const initialState = initialCustomerState;

/** Each event goes to the concerns it changes; they return `s` itself when nothing changes. */
export function evolve(s: CustomerState, e: CustomerStreamEvent): CustomerState {
  switch (e.type) {
    case 'CustomerOnboarded':
    case 'CustomerTransferred':
      return evolveRelationship(s, e);
    case 'CustomerAssignedToManager':
      return evolveClaims(evolveRelationship(s, e), e);
    case 'CustomerClaimFiled':
    case 'CustomerClaimApproved':
    case 'CustomerClaimRejected':
      return evolveClaims(s, e);
    case 'CustomerTransferRequested':
    case 'CustomerTransferRequestApproved':
    case 'CustomerTransferRequestRejected':
      return evolveTransferRequests(s, e);
    case 'BalanceSnapshotRecorded':
    case 'CustomerTierChanged':
      return evolveTier(s, e);
    case 'ConsentGranted':
    case 'ConsentWithdrawn':
    case 'CustomerEnrolledInCampaign':
    case 'CustomerContacted':
      return evolveContact(s, e);
    case 'RiskProfileAssessed':
    case 'OfferBlockedAsUnsuitable':
      return evolveSuitability(s, e);
    case 'OfferPresented':
    case 'OfferDeclined':
    case 'ConversionReversed':
      return evolveSelling(s, e);
    case 'OfferAccepted':
      // Accepting a campaign's offer is taking part in it.
      return evolveParticipation(evolveSelling(s, e), e);
    case 'CustomerTookPartInCampaign':
      return evolveParticipation(s, e);
    case 'ConversionRecorded':
      // A sale is also a new holding.
      return evolveTier(evolveSelling(s, e), e);
    case 'CrossSellReferred':
      return evolveReferrals(s, e);
    case 'ComplaintRecorded':
    case 'ComplaintAnswered':
      return evolveComplaints(s, e);
    case 'CustomerPersonalDataCorrected':
    case 'CustomerDataErased':
      return evolvePersonalData(s, e);
    case 'VipCardApplied':
    case 'VipCardApplicationApproved':
    case 'VipCardApplicationRefused':
    case 'VipCardIssued':
    case 'VipCardTierChanged':
    case 'VipCardReviewed':
    case 'VipCardCancelled':
      // The card decider (card/vip-card.decider.ts) keeps these; no customer decision reads them.
      return s;
    default: {
      // Exhaustive at compile time; an event type this code does not know (a newer writer) changes nothing.
      const unknown: never = e;
      void unknown;
      return s;
    }
  }
}

export function decide(c: CustomerCommand, s: CustomerState): CustomerEvent[] {
  if (c.type === 'OnboardCustomer') {
    // Scope before state: someone outside the unit learns nothing of a waiting claim.
    requireOnboardingScope(c);
    requireBusinessTimeAllowed(c);
    requireNoClaimPending(s);
    return decideRelationship(c, s);
  }
  // A claim is for a customer not yet in the system (004 篇九 第九条): decided before they exist,
  // under its own rule of who files and who decides.
  if (c.type === 'FileClaim' || c.type === 'DecideClaim') return decideClaims(c, s);
  // The role comes before existence (it says nothing about this customer), then scope: someone who
  // cannot reach the customer gets the same 404 as for an id that does not exist (access.ts).
  requireFeedRole(c);
  if (s.status === 'none') throw unknownCustomer(c.customerId);
  requireAccess(c, s);
  requireRecordedByThemselves(c);
  requireBusinessTimeAllowed(c);

  switch (c.type) {
    case 'AssignManager':
      return decideRelationship(c, s);
    case 'TransferCustomer':
      // A request waiting for head office is decided (or rejected) first: the customer does not move under it.
      if (s.pendingTransfer) throw illegalState('TRANSFER_REQUEST_PENDING', `transfer request ${s.pendingTransfer.requestId} is waiting for a decision`, { requestId: s.pendingTransfer.requestId });
      return decideRelationship(c, s);
    case 'RequestTransfer':
    case 'DecideTransferRequest':
      return decideTransferRequests(c, s);
    case 'RecordBalanceSnapshot':
      return decideTier(c, s);
    case 'SetConsent':
    case 'EnrolInCampaign':
    case 'RecordContact':
      return decideContact(c, s);
    case 'AssessRisk':
      return decideSuitability(c, s);
    case 'PresentOffer':
    case 'RespondToOffer':
    case 'RecordConversion':
    case 'ReverseConversion':
      return decideSelling(c, s);
    case 'ReferCrossSell':
      return decideReferrals(c, s);
    case 'RecordComplaint':
    case 'AnswerComplaint':
      return decideComplaints(c, s);
    case 'CorrectPersonalData':
    case 'EraseCustomerData':
      return decidePersonalData(c, s);
    case 'RecordCampaignParticipation':
      return decideParticipation(c, s);
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

/**
 * `satisfies`, not an annotation: `decide` keeps its `CustomerEvent[]` for the callers that append
 * them, while `evolve` takes the whole stream, the card's events included.
 */
export const customerDecider = { initialState, evolve, decide } satisfies Decider<CustomerCommand, CustomerState, CustomerStreamEvent>;
