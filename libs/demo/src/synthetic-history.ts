
import type { NewEvent, StreamAppend } from '@app/event-store';
import { bankOrg } from './bank-org';

export interface SyntheticOptions {
  /**
   * Also change things after the first month and a half, as a bank does: two managers move unit,
   * a product's weight and the scoring rules change, targets are set, every 7th customer is
   * transferred to the other sub-branch (every 14th twice, in one append), and those customers buy
   * again afterwards (some on a referral), are contacted and complain. These come as two appends
   * (the organisation's, then the customers') just before the last one (the campaigns' completion).
   */
  readonly changes?: boolean;
  /**
   * A bank's shape instead of two sub-branches and five managers (`bankOrg`: HO, branches BR1, …
   * sub-branches two levels deep; `staff` people dealt round them). Customer c is managed by
   * rm(c mod staff) and lives in that person's unit. Not with `changes` (which moves the small org's people).
   */
  readonly org?: { readonly staff: number; readonly units: number };
  /**
   * The days over which each treatment customer's first contact falls, from 3 March (default 40: the campaigns run
   * from 2 March to about 20 April). Longer spreads the same events over a longer campaign (`--campaign-days 365`: a year);
   * the period ends 50 days after the spread, the costs come 10 and the completion 20 days after it, as with 40.
   */
  readonly campaignDays?: number;
}

/**
 * A synthetic but well-formed history for read-model fault tests: campaigns, customers, enrolments,
 * contacts, offers, sales, reversals, costs and complaints, deterministic for a seed. It is
 * appended straight to the store (the rules are tested elsewhere); ids are fixed, so the same
 * history can be written to two databases.
 */
export function syntheticHistory(customers: number, seed = 1, options: SyntheticOptions = {}): StreamAppend[][] {
  return [...syntheticBatches(customers, seed, options)];
}

/** The same history, one append batch at a time, so a large one never sits in memory whole. */
export function* syntheticBatches(customers: number, seed = 1, options: SyntheticOptions = {}): Generator<StreamAppend[]> {
  if (options.org && options.changes) throw new Error('syntheticBatches: changes are written for the small org, not with org');
  const bank = options.org ? bankOrg(options.org.staff, options.org.units) : undefined;
  // Customer c's manager and home unit: rm(c mod 5) in SB1 or SB2 (by c mod 3) in the small org.
  const managerOf = (c: number) => (bank ? bank.staff[c % bank.staff.length]!.staffId : `rm${c % 5}`);
  const homeOf = (c: number) => (bank ? bank.staff[c % bank.staff.length]!.unitId : c % 3 === 0 ? 'SB1' : 'SB2');
  let s = seed >>> 0 || 1;
  const rnd = () => ((s = Math.imul(s ^ (s >>> 15), 0x2c1b3c6d) + 0x6d2b79f5) >>> 0) / 2 ** 32;
  let n = 0;
  const ev = (type: string, data: Record<string, unknown>, occurredAt: string): NewEvent => ({
    type,
    data,
    metadata: {
      eventId: uuidFrom(seed, n++),
      correlationId: 'synthetic',
      causationId: null,
      actor: 'synthetic',
      orgUnit: null,
      occurredAt,
      schemaVersion: 1,
    },
  });
  const day = (d: number) => new Date(Date.UTC(2026, 2, 1) + d * 86_400_000).toISOString();
  const spread = options.campaignDays ?? 40;
  const campaigns = ['K1', 'K2', 'K3'];
  // The organisation the sales are scored in: two sub-branches, five managers, three products.
  const unit = (unitId: string, level: string, parentId: string | null) => ev('OrgUnitOpened', { unitId, name: unitId, level, parentId, wealthCentre: false }, day(0));
  yield [
    {
      streamId: 'organisation',
      expectedRevision: 'no_stream' as const,
      events: [
        ...(bank
          ? [
              ...bank.units.map((u) => unit(u.unitId, u.level, u.parentId)),
              ...bank.staff.map((p) => ev('StaffMemberRegistered', { staffId: p.staffId, displayName: p.staffId, role: 'relationship_manager', unitId: p.unitId }, day(0))),
            ]
          : [
              unit('HO', 'head_office', null),
              unit('BR1', 'branch', 'HO'),
              unit('SB1', 'sub_branch_1', 'BR1'),
              unit('SB2', 'sub_branch_1', 'BR1'),
              ...[0, 1, 2, 3, 4].map((i) => ev('StaffMemberRegistered', { staffId: `rm${i}`, displayName: `rm${i}`, role: 'relationship_manager', unitId: i < 2 ? 'SB1' : 'SB2' }, day(0))),
            ]),
        ...[
          ['DEP-1Y', 'R1', false, '0.50'],
          ['FUND-BOND', 'R2', true, '1.50'],
          ['GOLD', 'R3', true, '1.00'],
        ].map(([productCode, riskLevel, riskBearing, weight]) => ev('ProductDefined', { productCode, name: productCode, category: 'x', riskLevel, riskBearing, weight }, day(0))),
      ],
    },
  ];
  yield (
    campaigns.map((campaignId, i) => ({
      streamId: `campaign-${campaignId}`,
      expectedRevision: 'no_stream' as const,
      events: [
        ev('CampaignDrafted', {
          campaignId,
          name: campaignId,
          objective: '',
          ownerUnitId: 'BR1',
          productCodes: i === 0 ? ['DEP-1Y'] : ['FUND-BOND', 'GOLD'],
          channels: ['phone', 'sms'],
          audience: { tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: [] },
          budget: '100000.00',
          period: { start: day(0), end: day(spread + 50) },
          controlGroupPercent: 20,
          targets: { conversions: null, revenue: null },
          draftedBy: 'm',
        }, day(0)),
        ev('CampaignSubmitted', { campaignId, planDocumentRef: 'd', submittedBy: 'm' }, day(0)),
        ev('CampaignApproved', { campaignId, approvedBy: 'a', approverUnitId: 'HO' }, day(0)),
        ev('CampaignLaunched', { campaignId, launchedBy: 'm', audienceSize: customers, treatmentCount: 0, controlCount: 0, randomisationSeed: 's', budgetCommitted: '100000.00' }, day(1)),
      ],
    }))
  );
  let batch: StreamAppend[] = [];
  for (let c = 0; c < customers; c++) {
    const customerId = `S${c}`;
    const events: NewEvent[] = [ev('CustomerOnboarded', { customerId, homeUnitId: homeOf(c), segment: 'retail', gender: c % 2 ? 'F' : 'M', birthYear: null }, day(0))];
    if (c % 2 === 0) events.push(ev('CustomerAssignedToManager', { customerId, staffId: managerOf(c), previousStaffId: null, unitId: homeOf(c) }, day(0)));
    if (rnd() < 0.3) events.push(ev('CustomerTierChanged', { customerId, month: '2026-02', from: 'ordinary', to: 'standard', threeMonthAverage: '250000.00', thresholds: {} }, day(0)));
    for (const campaignId of campaigns) {
      if (rnd() < 0.4) continue;
      const group = rnd() < 0.2 ? 'control' : 'treatment';
      events.push(ev('CustomerEnrolledInCampaign', { campaignId, customerId, group }, day(1)));
      if (group === 'control') continue;
      const d = 2 + Math.floor(rnd() * spread);
      for (let k = 0; k < 1 + Math.floor(rnd() * 3); k++) {
        events.push(ev('CustomerContacted', { contactId: randomLike(rnd), customerId, staffId: managerOf(c), channel: rnd() < 0.5 ? 'phone' : 'sms', campaignId, outcome: 'reached', contactedAt: day(d + k) }, day(d + k)));
      }
      if (rnd() < 0.5) {
        const offer = { offerId: randomLike(rnd), customerId, staffId: managerOf(c), productCode: campaignId === 'K1' ? 'DEP-1Y' : 'FUND-BOND', campaignId };
        events.push(ev('OfferPresented', offer, day(d + 3)));
        events.push(ev(rnd() < 0.6 ? 'OfferAccepted' : 'OfferDeclined', offer, day(d + 4)));
      }
      if (rnd() < 0.25) {
        const conversionId = randomLike(rnd);
        events.push(ev('ConversionRecorded', { conversionId, customerId, staffId: managerOf(c), productCode: campaignId === 'K1' ? 'DEP-1Y' : 'GOLD', amount: `${1000 + Math.floor(rnd() * 90000)}.00`, revenue: `${10 + Math.floor(rnd() * 900)}.50`, campaignId: rnd() < 0.7 ? campaignId : null, referrerStaffId: null, referralId: null }, day(d + 5)));
        if (rnd() < 0.1) events.push(ev('ConversionReversed', { conversionId, customerId, reason: 'x' }, day(d + 7)));
      }
      if (rnd() < 0.03) {
        events.push(ev('ComplaintRecorded', { complaintId: randomLike(rnd), customerId, category: 'too_many_calls', descriptionNote: null, contactId: null, staffId: null, campaignId, answerDueBy: day(d + 20) }, day(d + 6)));
      }
    }
    batch.push({ streamId: `customer-${customerId}`, events, expectedRevision: 'no_stream' });
    if (batch.length === 200) {
      yield batch;
      batch = [];
    }
  }
  if (batch.length) yield batch;
  if (options.changes) {
    // From day 30: rm1 moves to SB2 and rm3 to SB1; DEP-1Y weighs 0.75; a referral is worth 30%.
    yield [
      {
        streamId: 'organisation',
        expectedRevision: 'stream_exists' as const,
        events: [
          ev('StaffMemberMoved', { staffId: 'rm1', fromUnitId: 'SB1', toUnitId: 'SB2' }, day(30)),
          ev('StaffMemberMoved', { staffId: 'rm3', fromUnitId: 'SB2', toUnitId: 'SB1' }, day(30)),
          ev('ProductUpdated', { productCode: 'DEP-1Y', riskLevel: 'R1', riskBearing: false, weight: '0.75' }, day(30)),
          ev('ScoringRulesSet', { rules: { referralShare: 0.3, complaintPenalty: 150, unsuitablePenalty: 400 } }, day(30)),
          ev('TargetSet', { subjectId: 'rm0', subject: 'staff', period: '2026-04', points: '1000' }, day(30)),
          ev('TargetSet', { subjectId: 'SB1', subject: 'unit', period: '2026-04', points: '5000.50' }, day(30)),
          ev('TargetSet', { subjectId: 'rm0', subject: 'staff', period: '2026-04', points: '1200' }, day(31)),
        ],
      },
    ];
    const staffOf: Record<string, string[]> = { SB1: ['rm0', 'rm3'], SB2: ['rm1', 'rm2', 'rm4'] };
    const later: StreamAppend[] = [];
    for (let c = 0; c < customers; c += 7) {
      const customerId = `S${c}`;
      let unitId = c % 3 === 0 ? 'SB1' : 'SB2';
      let managerId: string | null = c % 2 === 0 ? `rm${c % 5}` : null;
      const events: NewEvent[] = [];
      for (let k = 0; k < (c % 14 === 0 ? 2 : 1); k++) {
        const toUnitId = unitId === 'SB1' ? 'SB2' : 'SB1';
        const toStaffId = staffOf[toUnitId]![(c + k) % staffOf[toUnitId]!.length]!;
        events.push(ev('CustomerTransferred', { customerId, fromUnitId: unitId, toUnitId, fromStaffId: managerId, toStaffId, crossBranch: false }, day(35)));
        events.push(ev('CustomerAssignedToManager', { customerId, staffId: toStaffId, previousStaffId: managerId, unitId: toUnitId }, day(35)));
        [unitId, managerId] = [toUnitId, toStaffId];
      }
      const contactId = randomLike(rnd);
      events.push(ev('CustomerContacted', { contactId, customerId, staffId: managerId, channel: 'phone', campaignId: null, outcome: 'reached', contactedAt: day(40) }, day(40)));
      const referrer = c % 3 === 0 ? 'rm2' : null;
      events.push(
        ev('ConversionRecorded', { conversionId: randomLike(rnd), customerId, staffId: managerId, productCode: 'DEP-1Y', amount: '5000.00', revenue: `${10 + (c % 90)}.35`, campaignId: null, referrerStaffId: referrer, referralId: referrer ? randomLike(rnd) : null }, day(45)),
      );
      if (c % 4 === 0) events.push(ev('ComplaintRecorded', { complaintId: randomLike(rnd), customerId, category: 'service_quality', descriptionNote: null, contactId, staffId: managerId, campaignId: null, answerDueBy: day(60) }, day(46)));
      later.push({ streamId: `customer-${customerId}`, events, expectedRevision: 'stream_exists' });
    }
    yield later;
  }
  yield (
    campaigns.map((campaignId) => ({
      streamId: `campaign-${campaignId}`,
      expectedRevision: 'stream_exists' as const,
      events: [ev('CampaignCostRecorded', { campaignId, costId: 'c1', amount: '5000.00', customerId: null, description: '', descriptionNote: null }, day(spread + 10)), ev('CampaignCompleted', { campaignId }, day(spread + 20))],
    }))
  );
}

function randomLike(rnd: () => number): string {
  return Math.floor(rnd() * 2 ** 48).toString(36);
}

function uuidFrom(seed: number, n: number): string {
  const hex = (seed.toString(16).padStart(8, '0') + n.toString(16).padStart(24, '0')).slice(-32);
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-8${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}

