import { randomUUID } from 'node:crypto';
import { ActOnBudget, ActOnCampaign, LaunchCampaign, startApplication, withMetadata } from '@app/application';
import type { Actor, BudgetCommand, CampaignCommand, DomainEvent } from '@app/domain';
import type { Runtime } from '@app/platform';
import { planPdf, syntheticBatches } from '@app/demo';
import { campaignEffectiveness, campaignEffectivenessProjection, customerDirectoryProjection, effectTimings, ProjectionRunner, withReadModels } from '@app/read-models';
import { timed } from './percentiles';
import { cpuProfiled, perfRecorded, withCpu } from './cpu';
import { launchAsBefore } from './launch-baseline';

const silent = { info: () => undefined, error: (o: object, m: string) => console.error(m, o) };
const ms = (x: number) => Math.round(x * 10) / 10;

export interface LaunchAtSize {
  readonly customers: number;
  /** Events of the history the customers' streams hold (what a launch reads to decide on them). */
  readonly historyEvents: number;
  readonly writeHistorySeconds: number;
  /** The customer directory and campaign read model projecting that history, before the launch (projector work, not the launch's). */
  readonly projectHistorySeconds: number;
  readonly audience: number;
  /** The launch command: audience from the directory, every customer's stream read and decided, enrolments appended. */
  readonly commandSeconds: number;
  readonly customersPerSecond: number;
  /** From the command's answer until the campaign read model had applied every enrolment. */
  readonly projectedSeconds: number;
  /** The first effectiveness answer right after. */
  readonly firstAnswerMs: number;
  /** Command, projection and first answer. */
  readonly endToEndSeconds: number;
  /** Same-run baseline: the launch handler as it was before (all states held, one append at a time), to the same customers just before; null when left out (`--no-launch-baseline`). */
  readonly baseline: { readonly audience: number; readonly commandSeconds: number; readonly customersPerSecond: number } | null;
  /** The launch's rate ÷ the baseline's (null without the baseline). */
  readonly ratio: number | null;
  /** Peak RSS of this process (bench and application) during the launch command and its projection. */
  readonly launchPeakRssMb: number;
  /** CPU seconds of this process and of the database server during the command (the projector running beside it, unless `projectorAfter`). */
  readonly commandCpu: { readonly nodeCpuSeconds: number; readonly databaseCpuSeconds: number };
  /** The same from the command's answer until every enrolment was projected. */
  readonly projectionCpu: { readonly nodeCpuSeconds: number; readonly databaseCpuSeconds: number };
  /** Whether the projector was stopped during the command (`--launch-projector-after`): then the projection is all of the launch's enrolments. */
  readonly projectorAfter: boolean;
  /** Wall ms per projection and phase (state reads, effects, each table's writes) while projecting the launch, summed over batches. */
  readonly projectionPhasesMs: Record<string, number>;
}

/**
 * A launch to every customer of a bank of `customers`: the synthetic history (each customer with
 * a few campaigns, contacts, offers and sales behind them) written straight to the store, the
 * customer directory and campaign read model caught up, then a campaign of branch BR1 drafted,
 * approved and launched through the command bus, and its first effectiveness answer.
 */
export async function launchAtSize(runtime: Runtime, customers: number, step: (s: string) => void = () => undefined, options: { baseline?: boolean; projectorAfter?: boolean; cpuProfile?: string; commandCpuProfile?: string; commandPerf?: string } = {}): Promise<LaunchAtSize> {
  const withBaseline = options.baseline ?? true;
  const { store, db } = runtime;
  step(`launch: writing the history of ${customers} customers`);
  let historyEvents = 0;
  const [, writeMs] = await timed(async () => {
    let pending: Parameters<typeof store.appendToStreams>[0][number][] = [];
    let n = 0;
    const flush = async () => {
      if (pending.length) await store.appendToStreams(pending);
      historyEvents += n;
      pending = [];
      n = 0;
    };
    for (const batch of syntheticBatches(customers, 42)) {
      // Customers in appends of about 10,000 events (COPY); the organisation's and campaigns' appends on their own.
      const customersOnly = batch.every((a) => a.streamId.startsWith('customer-'));
      if (!customersOnly) await flush();
      pending.push(...batch);
      n += batch.reduce((k, a) => k + a.events.length, 0);
      if (!customersOnly || n >= 10_000) await flush();
    }
    await flush();
  });
  // Who drafts, approves and funds the campaign: a marketer of the branch, an approver and the budget of head office.
  const admin = { correlationId: randomUUID(), actor: 'admin', orgUnit: 'HO', occurredAt: '2026-01-02T09:00:00+08:00' };
  const staff = (staffId: string, role: string, unitId: string): DomainEvent => ({ type: 'StaffMemberRegistered', data: { staffId, displayName: staffId, role, unitId } }) as DomainEvent;
  await store.appendToStream('organisation', withMetadata('organisation', [staff('mkt-br1', 'marketer', 'BR1'), staff('appr-ho', 'approver', 'HO')], admin), 'stream_exists');

  step('launch: projecting the history (customer directory, campaign read model)');
  // Batches as the projector's defaults take them when it is behind: larger transactions (up to 10,000 events) after a full batch.
  const newRunner = () => new ProjectionRunner(store, db.pool, [customerDirectoryProjection, campaignEffectivenessProjection], silent, { batchSize: 2000, maxBatchWaitMs: 20, catchUpBatchSize: 10_000 });
  let runner = newRunner();
  const [, projectHistoryMs] = await timed(async () => {
    await runner.start();
    if (!(await runner.catchUp(3_600_000))) throw new Error('projector did not catch up');
  });

  const app = await startApplication(runtime);
  try {
    const org = await app.directory.current();
    const marketer: Actor = { userId: 'mkt-br1', unitId: 'BR1', role: 'marketer' };
    const approver: Actor = { userId: 'appr-ho', unitId: 'HO', role: 'approver' };
    const when = '2026-06-20T09:00:00+08:00';
    const context = (by: Actor) => ({ correlationId: randomUUID(), actor: by.userId, orgUnit: by.unitId, occurredAt: when });
    const budget = (c: Record<string, unknown>) => app.commands.execute(new ActOnBudget({ ...c, org, by: approver, at: when } as unknown as BudgetCommand, context(approver)));
    await budget({ type: 'SetAnnualBudget', unitId: 'HO', year: 2026, amount: '50000000.00' });
    await budget({ type: 'AllocateToChild', unitId: 'HO', year: 2026, childUnitId: 'BR1', amount: '6000000.00' });
    const act = (campaignId: string, command: Record<string, unknown>, by: Actor) =>
      app.commands.execute(new ActOnCampaign({ ...command, campaignId, org, by, at: when } as unknown as CampaignCommand, context(by)));
    const plan = {
      name: 'Launch at size',
      objective: 'every customer of the branch',
      ownerUnitId: 'BR1',
      productCodes: ['DEP-1Y'],
      channels: ['phone'],
      audience: { tiers: [], segments: [], unitIds: [], genders: [], holdsAnyOf: [], holdsNoneOf: [] },
      budget: '1000.00',
      period: { start: '2026-06-20', end: '2026-08-01' },
      controlGroupPercent: 10,
      targets: { conversions: null, revenue: null },
      // The two launches reach the same customers: the baseline's control group does not hold them back from the second.
      includeOtherControlGroups: true,
    };
    for (const campaignId of ['K-BASE', 'K-ALL']) {
      await act(campaignId, { type: 'DraftCampaign', plan }, marketer);
      const document = await runtime.planDocuments.store({ campaignId, fileName: `${campaignId}.pdf`, mediaType: 'application/pdf', content: planPdf(`${campaignId} plan`), uploadedBy: marketer.userId, uploadedAt: when });
      await act(campaignId, { type: 'SubmitCampaign', planDocumentId: document.documentId, planDocument: null }, marketer);
      await act(campaignId, { type: 'ApproveCampaign' }, approver);
    }
    await runner.catchUp(60_000);

    // The baseline first: the launch measured after it reads one more event per customer (its enrolment in K-BASE).
    let baseline: LaunchAtSize['baseline'] = null;
    let ratio: number | null = null;
    if (withBaseline) {
      step(`launch: baseline launch to ${customers} customers`);
      const [base, baseMs] = await timed(() => launchAsBefore(runtime, 'K-BASE', org, marketer, when, context(marketer)));
      if (!(await runner.catchUp(3_600_000))) throw new Error('projector did not catch up with the baseline launch');
      baseline = { audience: base.audienceSize, commandSeconds: Math.round(baseMs) / 1000, customersPerSecond: Math.round(base.audienceSize / (baseMs / 1000)) };
    }

    step(`launch: launching to ${customers} customers`);
    let peakRss = process.memoryUsage().rss;
    const sampler = setInterval(() => (peakRss = Math.max(peakRss, process.memoryUsage().rss)), 100);
    const projectorAfter = options.projectorAfter ?? false;
    if (projectorAfter) await runner.stop();
    const [[launched, commandMs], commandCpu] = await withCpu(db.pool, () =>
      perfRecorded(db.pool, options.commandPerf, () =>
        cpuProfiled(options.commandCpuProfile, () => timed(() => app.commands.execute(new LaunchCampaign('K-ALL', 'K-ALL', org, marketer, when, context(marketer))) as Promise<{ audienceSize: number }>)),
      ),
    );
    effectTimings.ms.clear();
    effectTimings.enabled = true;
    const [[, projectedMs], projectionCpu] = await withCpu(db.pool, () =>
      cpuProfiled(options.cpuProfile, () =>
        timed(async () => {
          if (projectorAfter) {
            runner = newRunner();
            await runner.start();
          }
          if (!(await runner.catchUp(3_600_000))) throw new Error('projector did not catch up with the launch');
        }),
      ),
    );
    effectTimings.enabled = false;
    const projectionPhasesMs = Object.fromEntries([...effectTimings.ms].sort((a, b) => b[1] - a[1]).map(([k, v]) => [k, Math.round(v)]));
    clearInterval(sampler);
    step(`launch: command ${Math.round(commandMs)} ms, projected ${Math.round(projectedMs)} ms later`);
    const [first, firstAnswerMs] = await timed(() => withReadModels(db.pool, [campaignEffectivenessProjection.name], (q) => campaignEffectiveness(q, 'K-ALL')));
    if (first?.funnel.enrolled.treatment === undefined) throw new Error('no answer for K-ALL');
    return {
      customers,
      historyEvents,
      writeHistorySeconds: ms(writeMs / 1000),
      projectHistorySeconds: ms(projectHistoryMs / 1000),
      audience: launched.audienceSize,
      commandSeconds: Math.round(commandMs) / 1000,
      customersPerSecond: Math.round(launched.audienceSize / (commandMs / 1000)),
      projectedSeconds: Math.round(projectedMs) / 1000,
      firstAnswerMs: ms(firstAnswerMs),
      endToEndSeconds: Math.round(commandMs + projectedMs + firstAnswerMs) / 1000,
      baseline,
      ratio: baseline && Math.round((launched.audienceSize / commandMs / baseline.customersPerSecond) * 1000 * 100) / 100,
      launchPeakRssMb: Math.round(peakRss / 2 ** 20),
      commandCpu,
      projectionCpu,
      projectorAfter,
      projectionPhasesMs,
    };
  } finally {
    await app.close();
    await runner.stop();
  }
}
