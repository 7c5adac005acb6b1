import { fold } from '../decider';
import { organisationDecider } from '../organisation/organisation.decider';
import { ORG, ORG_EVENTS, actor } from '../testing/fixtures';
import { spec } from '../testing/specification';
import type { CampaignCommand, DraftPlan } from './campaign.commands';
import { campaignDecider, closeTime } from './campaign.decider';
import type { CampaignEvent } from './campaign.events';
import { assignGroup, splitAudience } from './campaign.split';

const at = '2026-03-01T09:00:00.000Z';
const cmd = (c: Record<string, unknown>, by = 'mkt-br1') => ({ campaignId: 'K1', org: ORG, at, by: actor(by), ...c }) as unknown as CampaignCommand;
const given = (history: CampaignEvent[]) => spec(campaignDecider).given(history);

const plan: DraftPlan = {
  name: 'Spring deposit drive',
  objective: 'grow deposits',
  ownerUnitId: 'BR1',
  productCodes: ['DEP-1Y'],
  channels: ['phone', 'sms'],
  audience: { tiers: ['standard'], segments: [], unitIds: ['BR1'], genders: [], holdsAnyOf: [], holdsNoneOf: [] },
  budget: '10000',
  period: { start: '2026-03-01T00:00:00.000Z', end: '2026-04-01T00:00:00.000Z' },
  targets: { conversions: 100, revenue: null },
};
const drafted: CampaignEvent = {
  type: 'CampaignDrafted',
  data: { campaignId: 'K1', ...plan, budget: '10000.00', controlGroupPercent: 10, draftedBy: 'mkt-br1' },
};
/** A plan uploaded for K1: the handler finds it under its id and passes it in. */
const SHA = 'a'.repeat(64);
const upload = (documentId: string, campaignId = 'K1') => ({ documentId, campaignId, sha256: SHA, fileName: '方案.pdf', mediaType: 'application/pdf', size: 1234 });
const submit = (documentId = 'doc-1', found: ReturnType<typeof upload> | null = upload(documentId)) => ({ type: 'SubmitCampaign', planDocumentId: documentId, planDocument: found });
const planOf = (documentId: string) => ({ documentId, sha256: SHA, fileName: '方案.pdf', mediaType: 'application/pdf', size: 1234 });
const submitted: CampaignEvent = { type: 'CampaignSubmitted', data: { campaignId: 'K1', planDocument: planOf('doc-1'), planDocumentRef: null, submittedBy: 'mkt-br1' } };
const approved: CampaignEvent = { type: 'CampaignApproved', data: { campaignId: 'K1', approvedBy: 'appr-ho', approverUnitId: 'HO' } };
const launched: CampaignEvent = {
  type: 'CampaignLaunched',
  data: { campaignId: 'K1', launchedBy: 'mkt-br1', audienceSize: 10, treatmentCount: 4, controlCount: 6, randomisationSeed: 'K1', budgetCommitted: '10000.00' },
};
const cost = (costId: string, amount: string, customerId: string | null): CampaignEvent => ({
  type: 'CampaignCostRecorded',
  data: { campaignId: 'K1', costId, amount, customerId, description: 'x', descriptionNote: null },
});

describe('campaign', () => {
  describe('drafting', () => {
    it('drafts a campaign with the default 10% control group and exact budget', () => {
      given([]).when(cmd({ type: 'DraftCampaign', plan })).then([drafted]);
    });

    it.each([
      [{ controlGroupPercent: 60 }, 'INVALID_CONTROL_GROUP'],
      [{ productCodes: ['NOPE'] }, 'UNKNOWN_PRODUCT'],
      [{ productCodes: [] }, 'PRODUCTS_REQUIRED'],
      [{ channels: ['fax'] }, 'INVALID_CHANNEL'],
      [{ budget: '-1' }, 'INVALID_AMOUNT'],
      [{ targets: { conversions: null, revenue: '-100.00' } }, 'INVALID_AMOUNT'],
      [{ period: { start: '2026-04-01T00:00:00Z', end: '2026-03-01T00:00:00Z' } }, 'INVALID_PERIOD'],
      [{ ownerUnitId: 'BR2' }, 'OUTSIDE_SCOPE'],
      [{ name: '' }, 'NAME_REQUIRED'],
      [{ name: '  \t ' }, 'NAME_REQUIRED'],
      // The plan is checked before the name (the audience preview checks the same plan, which has no name of its own).
      [{ name: ' ', ownerUnitId: 'BR2' }, 'OUTSIDE_SCOPE'],
      [{ name: ' ', productCodes: ['NOPE'] }, 'UNKNOWN_PRODUCT'],
    ])('refuses a plan with %j', (change, code) => {
      given([]).when(cmd({ type: 'DraftCampaign', plan: { ...plan, ...change } })).thenRefuses(code as string);
    });

    it('reads a period of bank days in the bank\'s zone, the last day included: 1 March to 31 May runs from 16:00 UTC on 28 February to 16:00 UTC on 31 May', () => {
      given([])
        .when(cmd({ type: 'DraftCampaign', plan: { ...plan, period: { start: '2026-03-01', end: '2026-05-31' } } }))
        .thenMatches([{ type: 'CampaignDrafted', data: { period: { start: '2026-02-28T16:00:00.000Z', end: '2026-05-31T16:00:00.000Z' } } }]);
      given([]).when(cmd({ type: 'DraftCampaign', plan: { ...plan, period: { start: '2026-03-01T09:00:00', end: '2026-05-31' } } })).thenRefuses('INVALID_PERIOD');
    });

    it('lets only marketers draft', () => {
      given([]).when(cmd({ type: 'DraftCampaign', plan }, 'rm1')).thenRefuses('ROLE_NOT_ALLOWED');
      // BR2 and SB2 are not under the owner BR1: an audience there is refused at draft, not at launch.
      given([]).when(cmd({ type: 'DraftCampaign', plan: { ...plan, audience: { ...plan.audience, unitIds: ['SB1', 'SB2'] } } })).thenRefuses('OUTSIDE_SCOPE');
      given([]).when(cmd({ type: 'DraftCampaign', plan: { ...plan, audience: { ...plan.audience, unitIds: ['BR2'] } } }, 'admin')).thenRefuses('OUTSIDE_SCOPE');
    });
  });

  describe('submission and approval', () => {
    it('DOMAIN Campaigns (the plan document is attached at submission): records the uploaded document by id and SHA-256', () => {
      given([drafted]).when(cmd(submit())).then([submitted]);
    });

    it('refuses submission without a plan document, beside the field that names it', () => {
      given([drafted]).when(cmd(submit('  ', null))).thenRefuses('PLAN_DOCUMENT_REQUIRED', { field: 'planDocumentId' });
    });

    it('refuses a document id under which nothing was uploaded', () => {
      given([drafted]).when(cmd(submit('doc-9', null))).thenRefuses('UNKNOWN_PLAN_DOCUMENT', { field: 'planDocumentId' });
    });

    it('refuses a document uploaded for another campaign', () => {
      given([drafted]).when(cmd(submit('doc-1', upload('doc-1', 'K2')))).thenRefuses('PLAN_DOCUMENT_OF_ANOTHER_CAMPAIGN', { field: 'planDocumentId' });
    });

    it('reads a version 1 submission, which named its plan by a free reference, with no document', () => {
      const v1: CampaignEvent = { type: 'CampaignSubmitted', data: { campaignId: 'K1', planDocument: null, planDocumentRef: 'dms://K1.pdf', submittedBy: 'mkt-br1' } };
      given([drafted, v1]).when(cmd({ type: 'ApproveCampaign' }, 'appr-ho')).then([approved]);
    });

    it('is approved by a superior unit only', () => {
      given([drafted, submitted]).when(cmd({ type: 'ApproveCampaign' }, 'appr-ho')).then([approved]);
      given([drafted, submitted]).when(cmd({ type: 'ApproveCampaign' }, 'appr-br1')).thenRefuses('NOT_SUPERIOR_UNIT');
    });

    it('is rejected with a reason, and can be submitted again', () => {
      const rejected: CampaignEvent = { type: 'CampaignRejected', data: { campaignId: 'K1', rejectedBy: 'appr-ho', approverUnitId: 'HO', reason: 'too costly' } };
      given([drafted, submitted]).when(cmd({ type: 'RejectCampaign', reason: 'too costly' }, 'appr-ho')).then([rejected]);
      given([drafted, submitted, rejected]).when(cmd(submit('doc-2'))).thenMatches([{ type: 'CampaignSubmitted' }]);
    });

    describe('who approves (DOMAIN Campaigns: only the superior unit approves, the direct superior; head office\'s own by a head-office approver: four eyes)', () => {
      /** A campaign of `owner`, drafted by `drafter` and submitted by `submitter`. */
      const history = (owner: string, drafter: string, submitter = drafter): CampaignEvent[] => [
        { type: 'CampaignDrafted', data: { ...(drafted.data as object), ownerUnitId: owner, draftedBy: drafter } as never },
        { type: 'CampaignSubmitted', data: { campaignId: 'K1', planDocument: planOf('doc-1'), planDocumentRef: null, submittedBy: submitter } },
      ];
      const approvedBy = (by: string, unit: string): CampaignEvent => ({ type: 'CampaignApproved', data: { campaignId: 'K1', approvedBy: by, approverUnitId: unit } });
      const withoutBr1Approver = fold(organisationDecider, [...ORG_EVENTS, { type: 'StaffMemberDeactivated', data: { staffId: 'appr-br1' } }]);

      it('DOMAIN Campaigns (four eyes): head office\'s own campaign is approved by a head-office approver who did not draft or submit it', () => {
        given(history('HO', 'mkt-ho')).when(cmd({ type: 'ApproveCampaign' }, 'appr-ho')).then([approvedBy('appr-ho', 'HO')]);
        given(history('HO', 'mkt-ho')).when(cmd({ type: 'ApproveCampaign' }, 'admin')).then([approvedBy('admin', 'HO')]);
      });

      it('DOMAIN Campaigns (four eyes): head office\'s own campaign is never approved by its drafter or its submitter', () => {
        given(history('HO', 'admin', 'mkt-ho')).when(cmd({ type: 'ApproveCampaign' }, 'admin')).thenRefuses('FOUR_EYES');
        given(history('HO', 'mkt-ho', 'admin')).when(cmd({ type: 'ApproveCampaign' }, 'admin')).thenRefuses('FOUR_EYES');
      });

      it('DOMAIN Campaigns (four eyes): no campaign is approved by the person who drafted or submitted it', () => {
        given(history('BR1', 'admin', 'mkt-br1')).when(cmd({ type: 'ApproveCampaign' }, 'admin')).thenRefuses('FOUR_EYES');
        given(history('BR1', 'mkt-br1', 'admin')).when(cmd({ type: 'ApproveCampaign' }, 'admin')).thenRefuses('FOUR_EYES');
      });

      it('DOMAIN Campaigns (four eyes): whoever submitted it once never approves it, even after a rejection and someone else\'s resubmission', () => {
        const rejected: CampaignEvent = { type: 'CampaignRejected', data: { campaignId: 'K1', rejectedBy: 'appr-ho', approverUnitId: 'HO', reason: 'costs' } };
        const resubmitted: CampaignEvent = { type: 'CampaignSubmitted', data: { campaignId: 'K1', planDocument: planOf('doc-2'), planDocumentRef: null, submittedBy: 'mkt-br1' } };
        given([...history('BR1', 'mkt-br1', 'admin'), rejected, resubmitted]).when(cmd({ type: 'ApproveCampaign' }, 'admin')).thenRefuses('FOUR_EYES');
        given([...history('BR1', 'mkt-br1', 'admin'), rejected, resubmitted]).when(cmd({ type: 'ApproveCampaign' }, 'appr-ho')).then([approvedBy('appr-ho', 'HO')]);
      });

      it('DOMAIN Campaigns: head office\'s own campaign is not approved outside head office', () => {
        given(history('HO', 'mkt-ho')).when(cmd({ type: 'ApproveCampaign' }, 'appr-br1')).thenRefuses('NOT_SUPERIOR_UNIT');
      });

      it('DOMAIN Campaigns (the direct superior): a sub-branch\'s campaign is approved by its branch, not by head office over the branch\'s approver', () => {
        given(history('SB1', 'mkt-sb1')).when(cmd({ type: 'ApproveCampaign' }, 'appr-br1')).then([approvedBy('appr-br1', 'BR1')]);
        given(history('SB1', 'mkt-sb1')).when(cmd({ type: 'ApproveCampaign' }, 'appr-ho')).thenRefuses('NOT_SUPERIOR_UNIT');
        given(history('SB1', 'mkt-sb1')).when(cmd({ type: 'RejectCampaign', reason: 'no' }, 'appr-ho')).thenRefuses('NOT_SUPERIOR_UNIT');
      });

      it('DOMAIN Campaigns (the direct superior): a unit further up approves only when the direct superior has no active approver', () => {
        // BR2 has no approver at all; BR1's only approver has left.
        given(history('SB2', 'admin')).when(cmd({ type: 'ApproveCampaign' }, 'appr-ho')).then([approvedBy('appr-ho', 'HO')]);
        given(history('SB1', 'mkt-sb1')).when({ ...cmd({ type: 'ApproveCampaign' }, 'appr-ho'), org: withoutBr1Approver }).then([approvedBy('appr-ho', 'HO')]);
      });
    });

    it('refuses approving a draft that was never submitted', () => {
      given([drafted]).when(cmd({ type: 'ApproveCampaign' }, 'appr-ho')).thenRefuses('INVALID_CAMPAIGN_STATE');
    });
  });

  describe('launch', () => {
    it('launches an approved campaign with the split it is given', () => {
      given([drafted, submitted, approved]).when(cmd({ type: 'LaunchCampaign', audienceSize: 10, treatmentCount: 4, randomisationSeed: 'K1' })).then([launched]);
    });

    it('refuses launching an unapproved campaign, an empty audience, or after the period', () => {
      given([drafted, submitted]).when(cmd({ type: 'LaunchCampaign', audienceSize: 10, treatmentCount: 9, randomisationSeed: 's' })).thenRefuses('INVALID_CAMPAIGN_STATE');
      given([drafted, submitted, approved]).when(cmd({ type: 'LaunchCampaign', audienceSize: 0, treatmentCount: 0, randomisationSeed: 's' })).thenRefuses('EMPTY_AUDIENCE', { field: 'audience' });
      given([drafted, submitted, approved]).when(cmd({ type: 'LaunchCampaign', audienceSize: 1, treatmentCount: 1, randomisationSeed: 's', at: '2026-05-01T00:00:00.000Z' })).thenRefuses('CAMPAIGN_PERIOD_OVER', { field: 'period' });
    });

    it('DOMAIN Campaigns (a campaign has a period): refuses a launch before the period starts', () => {
      given([drafted, submitted, approved])
        .when(cmd({ type: 'LaunchCampaign', audienceSize: 10, treatmentCount: 4, randomisationSeed: 'K1', at: '2026-02-28T23:59:59.999Z' }))
        .thenRefuses('CAMPAIGN_NOT_STARTED', { start: '2026-03-01T00:00:00.000Z', field: 'period' });
    });
  });

  describe('costs and completion', () => {
    it('records a cost for a participant and refuses a control customer', () => {
      given([drafted, submitted, approved, launched])
        .when(cmd({ type: 'RecordCampaignCost', costId: 'c1', amount: '12.5', customerId: 'C1', customerGroup: 'treatment', customerTookPart: true, description: 'x' }))
        .then([cost('c1', '12.50', 'C1')]);
      given([drafted, submitted, approved, launched])
        .when(cmd({ type: 'RecordCampaignCost', costId: 'c1', amount: '12.5', customerId: 'C2', customerGroup: 'control', customerTookPart: false, description: 'x' }))
        .thenRefuses('NOT_A_PARTICIPANT');
    });

    it('DOMAIN Campaigns ("Cost per participant is taken from the cost lines"; 004 篇九 第三十条 2–3): refuses a cost line for a treatment customer who did not take part', () => {
      given([drafted, submitted, approved, launched])
        .when(cmd({ type: 'RecordCampaignCost', costId: 'c1', amount: '12.5', customerId: 'C3', customerGroup: 'treatment', customerTookPart: false, description: 'gift' }))
        .thenRefuses('NOT_A_PARTICIPANT', { customerId: 'C3' });
    });

    it('records feedback from a participant or about the campaign, never about someone who did not take part', () => {
      const feedback = { type: 'RecordCampaignFeedback', feedbackId: 'f1', rating: 4, comment: 'good' };
      given([drafted, submitted, approved, launched])
        .when(cmd({ ...feedback, customerId: 'C1', customerGroup: 'treatment' }))
        .then([{ type: 'CampaignFeedbackRecorded', data: { campaignId: 'K1', feedbackId: 'f1', customerId: 'C1', rating: 4, comment: 'good', commentNote: null } }]);
      given([drafted, submitted, approved, launched]).when(cmd({ ...feedback, customerId: 'OUT', customerGroup: null })).thenRefuses('NOT_A_PARTICIPANT');
      given([drafted, submitted, approved, launched])
        .when(cmd({ ...feedback, customerId: null }))
        .then([{ type: 'CampaignFeedbackRecorded', data: { campaignId: 'K1', feedbackId: 'f1', customerId: null, rating: 4, comment: 'good', commentNote: null } }]);
    });

    it('refuses costs beyond the campaign budget', () => {
      given([drafted, submitted, approved, launched, cost('c1', '9000.00', null)])
        .when(cmd({ type: 'RecordCampaignCost', costId: 'c2', amount: '1000.01', customerId: null, customerGroup: null, description: 'x' }))
        .thenRefuses('BUDGET_EXCEEDED');
    });

    it('splits unassigned costs evenly over the participants on completion and releases the rest of the budget', () => {
      // 4 participants; unassigned 100.00 + 0.03 = 100.03 → 25.00 each (floor to the fen); total 100.03 + 20 = 120.03
      given([drafted, submitted, approved, launched, cost('c1', '100.00', null), cost('c2', '0.03', null), cost('c3', '20.00', 'C1')])
        .when(cmd({ type: 'CompleteCampaign', participantCount: 4 }))
        .then([
          {
            type: 'CampaignCompleted',
            data: {
              campaignId: 'K1',
              completedBy: 'mkt-br1',
              totalCost: '120.03',
              unassignedCost: '100.03',
              participantCount: 4,
              unassignedSharePerParticipant: '25.00',
              budgetReleased: '9879.97',
            },
          },
        ]);
    });

    it('DOMAIN Campaigns ("a cost that cannot be tied to a customer is split evenly across all participants"; 004 篇九 第三十条 3): the unassigned share divides by the customers who took part, not by the treatment group', () => {
      // 4 treatment customers, of whom 3 took part: 100.03 / 3 = 33.343… → 33.34 each (floor to the fen).
      given([drafted, submitted, approved, launched, cost('c1', '100.00', null), cost('c2', '0.03', null), cost('c3', '20.00', 'C1')])
        .when(cmd({ type: 'CompleteCampaign', participantCount: 3 }))
        .thenMatches([{ type: 'CampaignCompleted', data: { unassignedCost: '100.03', participantCount: 3, unassignedSharePerParticipant: '33.34' } }]);
      // Nobody took part: the unassigned cost is no one's share.
      given([drafted, submitted, approved, launched, cost('c1', '100.00', null)])
        .when(cmd({ type: 'CompleteCampaign', participantCount: 0 }))
        .thenMatches([{ type: 'CampaignCompleted', data: { participantCount: 0, unassignedSharePerParticipant: '0.00' } }]);
    });

    it('DOMAIN Campaigns (participants are treatment customers): refuses a participant count beyond the treatment group, or not a whole number', () => {
      for (const participantCount of [5, -1, 1.5]) {
        given([drafted, submitted, approved, launched]).when(cmd({ type: 'CompleteCampaign', participantCount })).thenRefuses('INVALID_PARTICIPANT_COUNT', { participantCount, treatmentCount: 4 });
      }
    });

    it('cancels a launched campaign, releasing what was not spent', () => {
      given([drafted, submitted, approved, launched, cost('c1', '100.00', null)])
        .when(cmd({ type: 'CancelCampaign', reason: 'regulator' }))
        .then([{ type: 'CampaignCancelled', data: { campaignId: 'K1', cancelledBy: 'mkt-br1', reason: 'regulator', budgetReleased: '9900.00' } }]);
    });

    describe('a close dated back (review r2: a cancellation dated before accepted sales took them out of past figures)', () => {
      // Sold-in-run sales leave the group figures once the close is dated before them: a close is held to the grace as a sale is.
      // Recorded 10 March 09:00 UTC with a grace of 3 days: 7 March 09:00 UTC is the earliest date allowed.
      const recording = { recordedAt: '2026-03-10T09:00:00.000Z', graceDays: 3 };
      const completed = { type: 'CompleteCampaign', participantCount: 0 };
      const cancelled = { type: 'CancelCampaign', reason: 'regulator' };

      it.each([
        ['complete', completed],
        ['cancel', cancelled],
      ])('refuses to %s a launched campaign dated 1 millisecond past the grace', (_, command) => {
        given([drafted, submitted, approved, launched])
          .when(cmd({ ...command, ...recording, at: '2026-03-07T08:59:59.999Z' }))
          .thenRefuses('BACKDATED_TOO_FAR', { occurredAt: '2026-03-07T08:59:59.999Z', recordedAt: '2026-03-10T09:00:00.000Z', graceDays: 3 });
      });

      it.each([
        ['complete', completed, 'CampaignCompleted'],
        ['cancel', cancelled, 'CampaignCancelled'],
      ])('lets a marketer %s a launched campaign dated exactly at the grace', (_, command, type) => {
        given([drafted, submitted, approved, launched])
          .when(cmd({ ...command, ...recording, at: '2026-03-07T09:00:00.000Z' }))
          .thenMatches([{ type }]);
      });

      it('lets an admin complete a campaign dated past the grace (an admin is not held to it)', () => {
        given([drafted, submitted, approved, launched])
          .when(cmd({ ...completed, ...recording, at: '2026-03-01T09:00:00.000Z' }, 'admin'))
          .thenMatches([{ type: 'CampaignCompleted' }]);
      });

      it('cancels a campaign not yet launched whatever its date: it has no run to close', () => {
        given([drafted, submitted, approved])
          .when(cmd({ ...cancelled, ...recording, at: '2026-01-01T09:00:00.000Z' }))
          .thenMatches([{ type: 'CampaignCancelled', data: { budgetReleased: '0.00' } }]);
      });

      it.each([
        ['complete', completed, 'admin'],
        ['cancel', cancelled, 'mkt-br1'],
      ])('refuses to %s a campaign dated 1 millisecond before its launch, even for an admin (review r3)', (_, command, by) => {
        // Launched 10 March 08:00 Beijing (00:00 UTC); the close dated 07:59:59.999 Beijing, within the grace.
        given([drafted, submitted, approved, launched])
          .when(cmd({ ...command, ...recording, launchedAt: '2026-03-10T00:00:00.000Z', at: '2026-03-09T23:59:59.999Z' }, by))
          .thenRefuses('CLOSE_BEFORE_LAUNCH', { launchedAt: '2026-03-10T00:00:00.000Z', occurredAt: '2026-03-09T23:59:59.999Z' });
      });

      it('compares instants, not strings: 08:00 Beijing is the launch at 00:00 UTC, 07:59:59.999 Beijing before it', () => {
        given([drafted, submitted, approved, launched])
          .when(cmd({ ...completed, launchedAt: '2026-03-10T00:00:00.000Z', at: '2026-03-10T08:00:00.000+08:00' }))
          .thenMatches([{ type: 'CampaignCompleted' }]);
        given([drafted, submitted, approved, launched])
          .when(cmd({ ...completed, launchedAt: '2026-03-10T00:00:00.000Z', at: '2026-03-10T07:59:59.999+08:00' }))
          .thenRefuses('CLOSE_BEFORE_LAUNCH');
      });

      it('completes a campaign dated at the very instant of its launch', () => {
        given([drafted, submitted, approved, launched])
          .when(cmd({ ...completed, ...recording, launchedAt: '2026-03-10T00:00:00.000Z', at: '2026-03-10T00:00:00.000Z' }))
          .thenMatches([{ type: 'CampaignCompleted' }]);
      });

      it('refuses a completion dated in a closed month (February closed), admin or not, without a correction', () => {
        const org = { ...ORG, closedMonths: new Set(['2026-02']) };
        // 28 February 23:30 Beijing is 15:30 UTC: February in the bank's calendar.
        given([drafted, submitted, approved, launched])
          .when(cmd({ ...completed, org, at: '2026-02-28T15:30:00.000Z' }))
          .thenRefuses('PERIOD_CLOSED', { month: '2026-02' });
      });
    });

    it('refuses completing a campaign twice', () => {
      const completed: CampaignEvent = {
        type: 'CampaignCompleted',
        data: { campaignId: 'K1', completedBy: 'x', totalCost: '0.00', unassignedCost: '0.00', participantCount: 4, unassignedSharePerParticipant: '0.00', budgetReleased: '0.00' },
      };
      given([drafted, submitted, approved, launched, completed]).when(cmd({ type: 'CompleteCampaign', participantCount: 4 })).thenRefuses('INVALID_CAMPAIGN_STATE');
    });
  });
});

describe('the control-group split', () => {
  const ids = Array.from({ length: 20_000 }, (_, i) => `cust-${i}`);

  it('is deterministic for a seed and independent of order', () => {
    const a = splitAudience('seed-1', ids, 10);
    const b = splitAudience('seed-1', [...ids].reverse(), 10);
    const groupOf = new Map(b.map((x) => [x.customerId, x.group]));
    expect(a.every((x) => groupOf.get(x.customerId) === x.group)).toBe(true);
  });

  it('holds out close to the asked share (10% ± 1 point over 20,000)', () => {
    const control = splitAudience('seed-1', ids, 10).filter((x) => x.group === 'control').length;
    expect(control / ids.length).toBeGreaterThan(0.09);
    expect(control / ids.length).toBeLessThan(0.11);
  });

  it('gives a different split for another seed, and none or all at 0% and 50% bounds', () => {
    const differ = ids.filter((id) => assignGroup('a', id, 30) !== assignGroup('b', id, 30)).length;
    expect(differ).toBeGreaterThan(1000);
    expect(ids.every((id) => assignGroup('a', id, 0) === 'treatment')).toBe(true);
  });
});

describe('when a close happens (closeTime)', () => {
  const launch = '2026-03-10T00:04:00.000Z';
  it('dates an undated close (its time is its recording time) before a launch dated ahead at the launch', () => {
    expect(closeTime({ at: '2026-03-10T00:00:00.000Z', recordedAt: '2026-03-10T00:00:00.000Z' }, launch)).toBe(launch);
  });
  it('keeps a close its caller dated before the launch as asked (the decider refuses it)', () => {
    expect(closeTime({ at: '2026-03-09T23:59:00.000Z', recordedAt: '2026-03-10T00:00:00.000Z' }, launch)).toBe('2026-03-09T23:59:00.000Z');
  });
  it('keeps an undated close after the launch, and any close of a campaign with no launch, as they are', () => {
    expect(closeTime({ at: '2026-03-10T00:05:00.000Z', recordedAt: '2026-03-10T00:05:00.000Z' }, launch)).toBe('2026-03-10T00:05:00.000Z');
    expect(closeTime({ at: '2026-03-10T00:00:00.000Z', recordedAt: '2026-03-10T00:00:00.000Z' }, null)).toBe('2026-03-10T00:00:00.000Z');
    expect(closeTime({ at: '2026-03-10T00:00:00.000Z' }, launch)).toBe('2026-03-10T00:00:00.000Z');
  });
});
