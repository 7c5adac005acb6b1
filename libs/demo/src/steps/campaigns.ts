import { campaignDecider, campaignStream, DomainError, type Actor, type CampaignCommand } from '@app/domain';
import { type Position } from '@app/event-store';
import { ActOnCampaign, LaunchCampaign, loadState } from '@app/application';
import { campaignEffectivenessProjection, customerDirectoryProjection, waitForProjection } from '@app/read-models';
import { addMonths, at } from '../calendar';
import { money, type Seeding } from '../seeding';
import { planDocumentId, planPdf } from '../plan-document';
import type { PlannedCampaign } from './campaign-plans';

type CampaignIntent = Record<string, unknown> & { type: CampaignCommand['type'] };

const actOnCampaign = (s: Seeding, c: PlannedCampaign, command: CampaignIntent, by: Actor, when: string) =>
  s.send(new ActOnCampaign({ ...command, campaignId: c.campaignId, org: s.org, by, at: when } as CampaignCommand, s.context(by, when)));

/** Drafted and submitted by the owning branch's marketer, approved by head office, on the 1st. */
async function planAndApprove(s: Seeding, c: PlannedCampaign, month: string): Promise<void> {
  const marketer = s.actor(c.marketer);
  const day = at(month, 1, 8);
  const period = { start: `${month}-01`, end: `${addMonths(s.first, c.endMonth + 1)}-01` };
  const plan = { name: c.name, objective: c.objective, ownerUnitId: c.ownerUnitId, productCodes: c.productCodes, channels: c.channels, audience: c.audience, budget: c.budget, period, controlGroupPercent: 10, targets: c.targets };
  await actOnCampaign(s, c, { type: 'DraftCampaign', plan }, marketer, day);
  const document = await s.runtime.planDocuments.store({ campaignId: c.campaignId, fileName: `${c.campaignId}.pdf`, mediaType: 'application/pdf', content: planPdf(`${c.campaignId} plan`), uploadedBy: marketer.userId, uploadedAt: day, documentId: planDocumentId(c.campaignId) });
  await actOnCampaign(s, c, { type: 'SubmitCampaign', planDocumentId: document.documentId, planDocument: null }, marketer, day);
  await actOnCampaign(s, c, { type: 'ApproveCampaign' }, s.actor('appr-ho'), day);
  // The period's end as the plan recorded it, for the facts its contacts, offers and sales carry.
  c.periodEnd = (await loadState(s.runtime.store, campaignStream(c.campaignId), campaignDecider)).state.plan!.period.end;
}

/**
 * The launch selects its audience from the customer directory, so the batch is appended and the
 * directory caught up first; the enrolments it writes are folded back into the batch after.
 * Returns false when nobody is in the audience.
 */
async function launch(s: Seeding, c: PlannedCampaign, month: string): Promise<boolean> {
  const { store, db } = s.runtime;
  const marketer = s.actor(c.marketer);
  await s.batch.flush();
  const before = await store.headPosition();
  if (before && !(await waitForProjection(db.pool, customerDirectoryProjection.name, before, 30 * 60_000))) throw new Error('the customer directory did not catch up');
  let launched: { audienceSize: number; position: Position | null };
  try {
    // The handler writes two campaign events and one enrolment per customer.
    launched = await s.send<typeof launched>(new LaunchCampaign(c.campaignId, c.campaignId, s.org, marketer, at(month, 1, 9), s.context(marketer, at(month, 1, 9))), (r) => r.audienceSize + 2);
  } catch (err) {
    // A small demo may have nobody in a narrow audience (female VIPs of one branch): it stays approved.
    if (err instanceof DomainError && err.code === 'EMPTY_AUDIENCE') return false;
    throw err;
  }
  c.enrolled = launched.audienceSize;
  c.launched = true;
  if (launched.position) await s.batch.syncFrom(before, launched.position);
  return true;
}

/** The campaigns planned to start in month `m`: approved, launched, and their first cost booked. */
export async function launchCampaigns(s: Seeding, plans: readonly PlannedCampaign[], m: number, month: string): Promise<void> {
  for (const c of plans.filter((x) => x.launchMonth === m && !x.launched)) {
    await planAndApprove(s, c, month);
    if (!(await launch(s, c, month))) continue;
    const cost = { costId: `${c.campaignId}-venue`, amount: money(2000 + c.enrolled * 3), customerId: null, customerGroup: null, description: '物料与场地 materials and venue' };
    await actOnCampaign(s, c, { type: 'RecordCampaignCost', ...cost }, s.actor(c.marketer), at(month, 2));
  }
}

/**
 * The running campaigns planned to end in month `m`: feedback recorded, then completed. Completing
 * counts the participants in the campaign read model, so it is caught up with the month first.
 */
export async function closeCampaigns(s: Seeding, plans: readonly PlannedCampaign[], m: number, month: string): Promise<void> {
  const closing = plans.filter((x) => x.launched && !x.completed && x.endMonth === m);
  if (closing.length === 0) return;
  await s.batch.flush();
  const head = await s.runtime.store.headPosition();
  if (head && !(await waitForProjection(s.runtime.db.pool, campaignEffectivenessProjection.name, head, 30 * 60_000))) throw new Error('the campaign read model did not catch up');
  for (const c of closing) {
    const marketer = s.actor(c.marketer);
    await actOnCampaign(s, c, { type: 'RecordCampaignFeedback', feedbackId: `${c.campaignId}-FB1`, customerId: null, rating: s.rnd.int(3, 5), comment: '客户反馈良好 well received' }, marketer, at(month, 27));
    await actOnCampaign(s, c, { type: 'CompleteCampaign' }, marketer, at(month, 28, 18));
    c.completed = true;
  }
}
