import type { Decider } from '../decider';
import { requireCustomerAccess } from '../access/access';
import { forbidden, illegalState, invalid, notFound, refused, refusedAndRecorded } from '../errors';
import { outsideScope, unknownStaff, unknownUnit } from '../organisation/organisation.errors';
import { contactPolicyFor, headOffice, isSuperior, isWithin, thresholdsFor, unitAtLevel, type Organisation, type Product } from '../organisation/organisation.state';
import { formatFen, toFen } from '../shared/money';
import { addDays, addYears, isBefore } from '../shared/time';
import type { CampaignFacts, CustomerCommand } from './customer.commands';
import {
  badAmount,
  campaignNotRunning,
  channelNotInCampaign,
  controlGroupCustomer,
  customerExists,
  duplicate,
  noConsent,
  notEnrolled,
  productNotInCampaign,
  unknownCustomer,
} from './customer.errors';
import type { CustomerEvent } from './customer.events';
import { contactLimitBreach, threeMonthAverage, tierFor, unitWithMostAssets, unsuitability } from './customer.rules';
import { initialCustomerState, type CustomerState } from './customer.state';

export const customerStream = (customerId: string) => `customer-${customerId}`;

export const initialState = initialCustomerState;

export function evolve(s: CustomerState, e: CustomerEvent): CustomerState {
  switch (e.type) {
    case 'CustomerOnboarded':
      return { ...s, status: 'active', customerId: e.data.customerId, homeUnitId: e.data.homeUnitId };
    case 'BalanceSnapshotRecorded':
      return {
        ...s,
        balances: [...s.balances, { month: e.data.month, fen: toFen(e.data.averageDailyAssets)! }].slice(-3),
        holdings: new Set([...e.data.holdings]),
      };
    case 'CustomerTierChanged':
      return { ...s, tier: e.data.to };
    case 'CustomerAssignedToManager':
      return { ...s, managerId: e.data.staffId, pendingClaim: null };
    case 'CustomerClaimFiled':
      return { ...s, pendingClaim: { claimId: e.data.claimId, staffId: e.data.staffId, unitId: e.data.unitId } };
    case 'CustomerClaimApproved':
      return s;
    case 'CustomerClaimRejected':
      return { ...s, pendingClaim: null };
    case 'CustomerTransferred':
      return { ...s, homeUnitId: e.data.toUnitId };
    case 'RiskProfileAssessed':
      return { ...s, risk: { tolerance: e.data.tolerance, validUntil: e.data.validUntil } };
    case 'ConsentGranted':
      return { ...s, consents: new Set([...s.consents, e.data.channel]) };
    case 'ConsentWithdrawn':
      return { ...s, consents: new Set([...s.consents].filter((c) => c !== e.data.channel)) };
    case 'CustomerEnrolledInCampaign':
      return { ...s, enrolments: new Map(s.enrolments).set(e.data.campaignId, e.data.group) };
    case 'CustomerContacted':
      return {
        ...s,
        contacts: new Map(s.contacts).set(e.data.contactId, { staffId: e.data.staffId, campaignId: e.data.campaignId, at: e.data.contactedAt }),
      };
    case 'OfferPresented':
      return { ...s, offers: new Map(s.offers).set(e.data.offerId, { ...e.data, open: true }) };
    case 'OfferAccepted':
    case 'OfferDeclined':
      return { ...s, offers: new Map(s.offers).set(e.data.offerId, { ...e.data, open: false }) };
    case 'OfferBlockedAsUnsuitable':
      return s;
    case 'CrossSellReferred':
      return { ...s, referrals: new Map(s.referrals).set(e.data.referralId, { referrerStaffId: e.data.referrerStaffId, sellerStaffId: e.data.sellerStaffId }) };
    case 'ConversionRecorded':
      return {
        ...s,
        conversions: new Map(s.conversions).set(e.data.conversionId, { reversed: false }),
        holdings: new Set([...s.holdings, e.data.productCode]),
      };
    case 'ConversionReversed':
      return { ...s, conversions: new Map(s.conversions).set(e.data.conversionId, { reversed: true }) };
    case 'ComplaintRecorded':
      return { ...s, complaints: new Map(s.complaints).set(e.data.complaintId, { open: true, answerDueBy: e.data.answerDueBy }) };
    case 'CustomerPersonalDataCorrected':
      return s;
    case 'CustomerDataErased':
      return { ...s, erased: true };
    case 'ComplaintAnswered':
      return { ...s, complaints: new Map(s.complaints).set(e.data.complaintId, { open: false, answerDueBy: s.complaints.get(e.data.complaintId)!.answerDueBy }) };
    default:
      // Other slices write to this stream too (VIP card events): they change nothing here.
      return s;
  }
}

export function decide(c: CustomerCommand, s: CustomerState): CustomerEvent[] {
  const customerId = c.customerId;
  if (c.type === 'OnboardCustomer') {
    if (s.status !== 'none') throw customerExists(customerId);
    const homeUnitId = unitWithMostAssets(c.assetsByUnit);
    if (!homeUnitId) throw invalid('NO_HOME_UNIT', 'assetsByUnit must name at least one sub-branch holding the customer\'s assets');
    const unit = c.org.units.get(homeUnitId);
    if (!unit) throw unknownUnit(homeUnitId);
    if (unit.level !== 'sub_branch_1' && unit.level !== 'sub_branch_2') {
      throw invalid('NOT_A_SUB_BRANCH', `customers are held by sub-branches; ${homeUnitId} is a ${unit.level}`, { unitId: homeUnitId });
    }
    requireScope(c.org, homeUnitId, c.by.unitId);
    for (const [u, amount] of Object.entries(c.assetsByUnit)) if ((toFen(amount) ?? -1) < 0) throw badAmount(`assetsByUnit.${u}`, amount);
    return [{ type: 'CustomerOnboarded', data: { customerId, homeUnitId, segment: c.segment, gender: c.gender, birthYear: c.birthYear } }];
  }
  if (s.status === 'none') throw unknownCustomer(customerId);
  // Claims have their own rule: any manager may claim an unassigned customer; a unit above decides.
  if (c.type !== 'FileClaim' && c.type !== 'DecideClaim') requireCustomerAccess(c.by, c.org, customerId, s);
  requireRecordedByThemselves(c);

  switch (c.type) {
    case 'RecordBalanceSnapshot': {
      const fen = toFen(c.averageDailyAssets);
      if (fen === undefined || fen < 0) throw badAmount('averageDailyAssets', c.averageDailyAssets);
      const last = s.balances[s.balances.length - 1];
      if (last && c.month <= last.month) {
        throw illegalState('SNAPSHOT_OUT_OF_ORDER', `a snapshot for ${last.month} is already recorded; months must advance`, { last: last.month, month: c.month });
      }
      const events: CustomerEvent[] = [
        { type: 'BalanceSnapshotRecorded', data: { customerId, month: c.month, averageDailyAssets: formatFen(fen), holdings: [...c.holdings] } },
      ];
      const average = threeMonthAverage([...s.balances, { fen }]);
      const t = thresholdsFor(c.org, s.homeUnitId);
      const to = tierFor(average, t);
      if (to !== s.tier) {
        const thresholds = { standard: formatFen(t.standard), platinum: formatFen(t.platinum), black: formatFen(t.black) };
        events.push({ type: 'CustomerTierChanged', data: { customerId, month: c.month, from: s.tier, to, threeMonthAverage: formatFen(average), thresholds } });
      }
      return events;
    }
    case 'AssignManager': {
      requireScope(c.org, s.homeUnitId, c.by.unitId);
      const staff = managerIn(c.org, c.staffId, s.homeUnitId);
      if (s.managerId === staff.staffId) return [];
      return [{ type: 'CustomerAssignedToManager', data: { customerId, staffId: staff.staffId, previousStaffId: s.managerId, unitId: s.homeUnitId } }];
    }
    case 'FileClaim': {
      if (s.managerId) throw illegalState('CUSTOMER_ALREADY_ASSIGNED', `customer ${customerId} already has a manager`, { customerId });
      if (s.pendingClaim) throw illegalState('CLAIM_PENDING', `claim ${s.pendingClaim.claimId} is waiting for a decision`, { claimId: s.pendingClaim.claimId });
      if (c.by.role !== 'relationship_manager') throw forbidden('ROLE_NOT_ALLOWED', 'claims are filed by relationship managers', { actual: c.by.role });
      managerIn(c.org, c.by.userId, s.homeUnitId);
      return [{ type: 'CustomerClaimFiled', data: { customerId, claimId: c.claimId, staffId: c.by.userId, unitId: c.by.unitId } }];
    }
    case 'DecideClaim': {
      const claim = s.pendingClaim;
      if (!claim || claim.claimId !== c.claimId) throw notFound('UNKNOWN_CLAIM', `no pending claim ${c.claimId}`, { claimId: c.claimId });
      if (!isSuperior(c.org, c.by.unitId, claim.unitId)) {
        throw forbidden('NOT_SUPERIOR_UNIT', 'a claim is decided by a unit above the claimant\'s', { claimantUnitId: claim.unitId, actorUnitId: c.by.unitId });
      }
      if (!c.approve) {
        return [{ type: 'CustomerClaimRejected', data: { customerId, claimId: claim.claimId, rejectedBy: c.by.userId, reason: c.reason ?? '' } }];
      }
      return [
        { type: 'CustomerClaimApproved', data: { customerId, claimId: claim.claimId, approvedBy: c.by.userId } },
        { type: 'CustomerAssignedToManager', data: { customerId, staffId: claim.staffId, previousStaffId: s.managerId, unitId: s.homeUnitId } },
      ];
    }
    case 'TransferCustomer': {
      const to = c.org.staff.get(c.toStaffId);
      if (!to) throw unknownStaff(c.toStaffId);
      if (to.role !== 'relationship_manager') throw refused('NOT_A_MANAGER', `${to.staffId} is not a relationship manager`, { staffId: to.staffId });
      const toUnit = unitAtLevel(c.org, to.unitId, 'sub_branch_2') ?? unitAtLevel(c.org, to.unitId, 'sub_branch_1');
      if (!toUnit) throw refused('NOT_A_SUB_BRANCH', `${to.staffId} does not work in a sub-branch`, { staffId: to.staffId });
      const fromBranch = unitAtLevel(c.org, s.homeUnitId, 'branch')?.unitId;
      const toBranch = unitAtLevel(c.org, toUnit.unitId, 'branch')?.unitId;
      const crossBranch = fromBranch !== toBranch;
      // Inside a branch the branch decides; across branches, head office (004 篇九 第九条).
      const decider = crossBranch ? headOffice(c.org)?.unitId : fromBranch;
      const level = c.org.units.get(c.by.unitId)?.level;
      const allowed = crossBranch ? c.by.unitId === decider : c.by.unitId === decider || level === 'head_office';
      if (!allowed) {
        throw forbidden('TRANSFER_NOT_ALLOWED', crossBranch ? 'transfers across branches are decided by head office' : 'transfers inside a branch are decided by the branch', {
          crossBranch,
          actorUnitId: c.by.unitId,
        });
      }
      if (toUnit.unitId === s.homeUnitId && s.managerId === to.staffId) return [];
      return [
        { type: 'CustomerTransferred', data: { customerId, fromUnitId: s.homeUnitId, toUnitId: toUnit.unitId, fromStaffId: s.managerId, toStaffId: to.staffId, crossBranch } },
        { type: 'CustomerAssignedToManager', data: { customerId, staffId: to.staffId, previousStaffId: s.managerId, unitId: toUnit.unitId } },
      ];
    }
    case 'AssessRisk':
      return [{ type: 'RiskProfileAssessed', data: { customerId, tolerance: c.tolerance, assessedAt: c.at, validUntil: addYears(c.at, 1) } }];
    case 'SetConsent': {
      if (s.consents.has(c.channel) === c.granted) return [];
      return [{ type: c.granted ? 'ConsentGranted' : 'ConsentWithdrawn', data: { customerId, channel: c.channel } }];
    }
    case 'RecordContact': {
      if (s.contacts.has(c.contactId)) throw duplicate('contact', c.contactId);
      staffMember(c.org, c.staffId);
      if (!s.consents.has(c.channel)) throw noConsent(c.channel);
      if (c.campaign) {
        requireCampaignReach(s, c.campaign);
        if (!c.campaign.channels.includes(c.channel)) throw channelNotInCampaign(c.campaign.campaignId, c.channel);
        // The policy in force is the nearest one set at or above the customer's unit.
        const breach = contactLimitBreach(s, c.campaign.campaignId, c.at, contactPolicyFor(c.org, s.homeUnitId));
        if (breach) {
          throw refused('CONTACT_LIMIT_REACHED', `contact policy: at most ${breach.max} ${breach.limit === 'per_customer_30_days' ? 'campaign contacts per customer in 30 days' : 'contacts per campaign in 7 days'}`, { ...breach });
        }
      }
      const campaignId = c.campaign?.campaignId ?? null;
      return [{ type: 'CustomerContacted', data: { contactId: c.contactId, customerId, staffId: c.staffId, channel: c.channel, campaignId, outcome: c.outcome, contactedAt: c.at } }];
    }
    case 'PresentOffer': {
      if (s.offers.has(c.offerId)) throw duplicate('offer', c.offerId);
      staffMember(c.org, c.staffId);
      if (c.campaign) {
        requireCampaignReach(s, c.campaign);
        if (!c.campaign.productCodes.includes(c.product.productCode)) throw productNotInCampaign(c.campaign.campaignId, c.product.productCode);
      }
      const campaignId = c.campaign?.campaignId ?? null;
      requireSuitable(s, c.product, c.staffId, campaignId, 'offer', c.at);
      return [{ type: 'OfferPresented', data: { offerId: c.offerId, customerId, staffId: c.staffId, productCode: c.product.productCode, campaignId } }];
    }
    case 'RespondToOffer': {
      const offer = s.offers.get(c.offerId);
      if (!offer) throw notFound('UNKNOWN_OFFER', `no offer ${c.offerId} for this customer`, { offerId: c.offerId });
      if (!offer.open) throw illegalState('OFFER_NOT_OPEN', `offer ${c.offerId} was already answered`, { offerId: c.offerId });
      const { open: _open, ...data } = offer;
      return [{ type: c.accepted ? 'OfferAccepted' : 'OfferDeclined', data }];
    }
    case 'ReferCrossSell': {
      if (s.referrals.has(c.referralId)) throw duplicate('referral', c.referralId);
      if (c.referrerStaffId === c.sellerStaffId) throw invalid('SAME_STAFF', 'a referral passes the customer to someone else: referrer and seller must differ');
      staffMember(c.org, c.referrerStaffId);
      staffMember(c.org, c.sellerStaffId);
      if (!c.org.products.has(c.productCode)) throw notFound('UNKNOWN_PRODUCT', `no product ${c.productCode}`, { productCode: c.productCode });
      const { referralId, referrerStaffId, sellerStaffId, productCode } = c;
      return [{ type: 'CrossSellReferred', data: { referralId, customerId, referrerStaffId, sellerStaffId, productCode } }];
    }
    case 'RecordConversion': {
      if (s.conversions.has(c.conversionId)) throw duplicate('conversion', c.conversionId);
      staffMember(c.org, c.staffId);
      if (c.referrerStaffId) staffMember(c.org, c.referrerStaffId);
      const amount = toFen(c.amount);
      const revenue = toFen(c.revenue);
      if (amount === undefined || amount <= 0) throw badAmount('amount', c.amount);
      if (revenue === undefined || revenue < 0) throw badAmount('revenue', c.revenue);
      if (c.referralId && !s.referrals.has(c.referralId)) throw notFound('UNKNOWN_REFERRAL', `no referral ${c.referralId} for this customer`, { referralId: c.referralId });
      // A referrer shares the points (scoring): only on a referral on file that names them.
      if (c.referrerStaffId && (!c.referralId || s.referrals.get(c.referralId)!.referrerStaffId !== c.referrerStaffId)) {
        throw refused('REFERRAL_NOT_ON_FILE', 'a sale credits a referrer only with the referral that names them (referralId)', { referrerStaffId: c.referrerStaffId });
      }
      if (c.campaign) {
        requireCampaignReach(s, c.campaign);
        if (!c.campaign.productCodes.includes(c.product.productCode)) throw productNotInCampaign(c.campaign.campaignId, c.product.productCode);
      }
      const campaignId = c.campaign?.campaignId ?? null;
      requireSuitable(s, c.product, c.staffId, campaignId, 'conversion', c.at);
      return [
        {
          type: 'ConversionRecorded',
          data: {
            conversionId: c.conversionId,
            customerId,
            staffId: c.staffId,
            productCode: c.product.productCode,
            amount: formatFen(amount),
            revenue: formatFen(revenue),
            campaignId,
            referrerStaffId: c.referrerStaffId,
            referralId: c.referralId,
          },
        },
      ];
    }
    case 'ReverseConversion': {
      const conversion = s.conversions.get(c.conversionId);
      if (!conversion) throw notFound('UNKNOWN_CONVERSION', `no conversion ${c.conversionId} for this customer`, { conversionId: c.conversionId });
      if (conversion.reversed) throw illegalState('ALREADY_REVERSED', `conversion ${c.conversionId} is already reversed`, { conversionId: c.conversionId });
      return [{ type: 'ConversionReversed', data: { conversionId: c.conversionId, customerId, reason: c.reason } }];
    }
    case 'RecordComplaint': {
      if (s.complaints.has(c.complaintId)) throw duplicate('complaint', c.complaintId);
      const contact = c.contactId ? s.contacts.get(c.contactId) : undefined;
      if (c.contactId && !contact) throw notFound('UNKNOWN_CONTACT', `no contact ${c.contactId} for this customer`, { contactId: c.contactId });
      if (!Number.isInteger(c.answerWithinDays) || c.answerWithinDays < 1) throw invalid('INVALID_DEADLINE', 'answerWithinDays must be a whole number of days, at least 1');
      return [
        {
          type: 'ComplaintRecorded',
          data: {
            complaintId: c.complaintId,
            customerId,
            category: c.category,
            contactId: c.contactId,
            staffId: contact?.staffId ?? null,
            campaignId: contact?.campaignId ?? null,
            answerDueBy: addDays(c.at, c.answerWithinDays),
          },
        },
      ];
    }
    case 'AnswerComplaint': {
      const complaint = s.complaints.get(c.complaintId);
      if (!complaint) throw notFound('UNKNOWN_COMPLAINT', `no complaint ${c.complaintId} for this customer`, { complaintId: c.complaintId });
      if (!complaint.open) throw illegalState('COMPLAINT_ALREADY_ANSWERED', `complaint ${c.complaintId} is already answered`, { complaintId: c.complaintId });
      return [{ type: 'ComplaintAnswered', data: { complaintId: c.complaintId, customerId, answeredBy: c.by.userId, late: isBefore(complaint.answerDueBy, c.at) } }];
    }
    case 'CorrectPersonalData': {
      if (s.erased) throw illegalState('DATA_ERASED', 'this customer\'s personal data was erased; it cannot be written again', { customerId });
      if (c.fields.length === 0) throw invalid('NOTHING_TO_CORRECT', 'name at least one personal field to correct');
      if (c.nameMissing) throw invalid('NAME_REQUIRED', 'personal data needs a name', {});
      return [{ type: 'CustomerPersonalDataCorrected', data: { customerId, fields: [...new Set(c.fields)].sort() } }];
    }
    case 'EraseCustomerData': {
      if (c.by.role !== 'admin') throw forbidden('ROLE_NOT_ALLOWED', 'erasure is done by an admin', { actual: c.by.role });
      if (!c.reason.trim()) throw invalid('REASON_REQUIRED', 'an erasure gives its reason');
      if (s.erased) return [];
      return [{ type: 'CustomerDataErased', data: { customerId, reason: c.reason.trim(), erasedBy: c.by.userId } }];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}

export const customerDecider: Decider<CustomerCommand, CustomerState, CustomerEvent> = { initialState, evolve, decide };

/** A campaign may reach only its treatment customers, and only while it runs. */
function requireCampaignReach(s: CustomerState, campaign: CampaignFacts): void {
  const group = s.enrolments.get(campaign.campaignId);
  if (!group) throw notEnrolled(campaign.campaignId);
  if (group === 'control') throw controlGroupCustomer(campaign.campaignId);
  if (campaign.status !== 'launched') throw campaignNotRunning(campaign.campaignId, campaign.status);
}

/** Refuses an unsuitable product, keeping the refusal on record for compliance. */
function requireSuitable(
  s: CustomerState,
  product: Pick<Product, 'productCode' | 'riskLevel' | 'riskBearing'>,
  staffId: string,
  campaignId: string | null,
  attempted: 'offer' | 'conversion',
  now: string,
): void {
  const reason = unsuitability(product, s.risk, now);
  if (!reason) return;
  const blocked: CustomerEvent = {
    type: 'OfferBlockedAsUnsuitable',
    data: {
      customerId: s.customerId,
      staffId,
      productCode: product.productCode,
      productRiskLevel: product.riskLevel,
      customerTolerance: s.risk?.tolerance ?? null,
      reason,
      attempted,
      campaignId,
    },
  };
  throw refusedAndRecorded(
    'OFFER_NOT_SUITABLE',
    `${product.productCode} (${product.riskLevel}) is not suitable for this customer: ${reason.replace(/_/g, ' ')}`,
    { productCode: product.productCode, productRiskLevel: product.riskLevel, customerTolerance: s.risk?.tolerance ?? null, reason },
    [blocked],
  );
}

function staffMember(org: Organisation, staffId: string) {
  const staff = org.staff.get(staffId);
  if (!staff) throw unknownStaff(staffId);
  return staff;
}

/** A relationship manager working in (or under) the customer's home unit. */
function managerIn(org: Organisation, staffId: string, homeUnitId: string) {
  const staff = staffMember(org, staffId);
  if (staff.role !== 'relationship_manager') throw refused('NOT_A_MANAGER', `${staffId} is not a relationship manager`, { staffId });
  if (!isWithin(org, staff.unitId, homeUnitId)) {
    throw refused('STAFF_NOT_IN_UNIT', `${staffId} does not work in the customer's unit ${homeUnitId}`, { staffId, unitId: homeUnitId });
  }
  return staff;
}

/**
 * A relationship manager records their own work: contacts, offers and sales in their own name,
 * referrals they made or received. Heads and admins may book for others (a branch terminal).
 */
function requireRecordedByThemselves(c: CustomerCommand): void {
  if (c.by.role === 'admin') return;
  if (c.by.role !== 'relationship_manager') {
    // Heads book for the people of their own unit and below, not for anyone in the bank.
    const named = c.type === 'RecordContact' || c.type === 'PresentOffer' || c.type === 'RecordConversion' ? [c.staffId] : c.type === 'ReferCrossSell' ? [c.referrerStaffId, c.sellerStaffId] : [];
    for (const id of named) {
      const staff = c.org.staff.get(id);
      if (staff && !isWithin(c.org, staff.unitId, c.by.unitId)) throw forbidden('OUTSIDE_SCOPE', `${id} works outside your unit`, { staffId: id });
    }
    return;
  }
  const own =
    c.type === 'RecordContact' || c.type === 'PresentOffer' || c.type === 'RecordConversion'
      ? c.staffId === c.by.userId
      : c.type === 'ReferCrossSell'
        ? c.referrerStaffId === c.by.userId || c.sellerStaffId === c.by.userId
        : true;
  if (!own) throw forbidden('NOT_YOUR_RECORD', 'a relationship manager records their own contacts, offers, sales and referrals', { actor: c.by.userId });
}

/** The actor's unit must be the given unit or above it. */
function requireScope(org: Organisation, unitId: string, actorUnitId: string): void {
  if (!isWithin(org, unitId, actorUnitId)) throw outsideScope(unitId, actorUnitId);
}
