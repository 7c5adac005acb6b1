import { Inject, ServiceUnavailableException } from '@nestjs/common';
import { Command, CommandHandler, type ICommandHandler } from '@nestjs/cqrs';
import {
  budgetDecider,
  budgetStream,
  businessYear,
  campaignDecider,
  campaignStream,
  customerDecider,
  customerStream,
  DomainError,
  requireBusinessTimeAllowed,
  requireSameSplit,
  splitAudience,
  type Actor,
  type CampaignEvent,
  type CampaignPlan,
  type CustomerState,
  type DomainEvent,
  type Group,
  type Organisation,
  type Recording,
} from '@app/domain';
import { appendDecisions, expectedFor, loadState, loadStates, retryOnConflict, type CommandContext, type HandledCommand, type StreamDecision } from '../command-handling/handle-command';
import { campaignAudience, campaignEnrolments, customerDirectoryProjection, directoryPosition, waitForProjection, withReadModels, type SelectedAudience } from '@app/read-models';
import type { Runtime } from '@app/platform';
import { comparePositions, type Position, type StreamHeads } from '@app/event-store';
import { RUNTIME } from '../runtime.token';
import { controlGroupsInForce } from './control-groups-in-force';

export interface LaunchOutcome extends HandledCommand<CampaignEvent> {
  readonly audienceSize: number;
  readonly controlCount: number;
  /** Customers the audience rule matched whom the customer's rules refused to enrol, by refusal code. */
  readonly excluded: Readonly<Record<string, number>>;
}

export class LaunchCampaign extends Command<LaunchOutcome> {
  constructor(
    readonly campaignId: string,
    readonly randomisationSeed: string | undefined,
    readonly org: Organisation,
    readonly by: Actor,
    readonly at: string,
    readonly context: CommandContext,
    /** When it is recorded, the staff's grace and an admin's correction: the launch is held to business time before anything is appended. */
    readonly recording: Recording = {},
  ) {
    super();
  }
}

/** Refusals of a single customer's enrolment that leave them out of the audience (and are reported); any other stops the launch. */
const EXCLUSIONS = new Set(['DATA_ERASED', 'OPTED_OUT', 'IN_ANOTHER_CONTROL_GROUP', 'OUTSIDE_CAMPAIGN_UNIT']);

/** How long a launch waits for the customer directory to include the latest customers. */
const DIRECTORY_WAIT_MS = 10_000;

/** Customers enrolled per append: a bounded transaction on Postgres (by COPY), a bounded loop on EventStoreDB. */
const ENROLMENT_BATCH = 2_000;

/** Enrolment appends in flight at once (the store works on one while the next is sent). */
const APPENDS_IN_FLIGHT = 2;

/** Customers read, folded and decided per step; the next step's streams are read meanwhile. */
const DECIDE_CHUNK = 2_000;

/**
 * The directory at the position the audience was selected at, for the customers whose streams have
 * not moved since: their enrolment is decided there instead of on their streams (see `decideEnrolments`).
 */
interface DirectoryAtPosition {
  readonly audience: ReadonlySet<string>;
  /** Customers of the campaign the directory shows enrolled, with their group. */
  readonly enrolled: ReadonlyMap<string, Group>;
  readonly heads: StreamHeads;
}

/** What the customers' deciders decided for a launch, customer by customer; their states are not kept. */
interface EnrolmentDecisions {
  readonly enrolments: StreamDecision[];
  readonly enrolled: number;
  readonly treatmentCount: number;
  readonly alreadyEnrolled: { customerId: string; group: 'treatment' | 'control' }[];
  readonly excluded: Record<string, number>;
}

/**
 * Launch: the audience rule is evaluated over the customer directory and split into treatment and
 * control by the seeded random split; each customer's enrolment is decided by their own decider on
 * their stream, or, when their stream has not moved since the directory's position, on the
 * directory, where the selection has applied the decider's refusals already (`decideEnrolments`);
 * the campaign decider decides the launch over those enrolled, the budget decider commits the budget.
 *
 * Resumable and idempotent on every adapter, whatever `appendToStreams` guarantees (see the port):
 * the enrolments are appended in batches, each stream at the revision it was decided on, then the
 * budget, and the campaign's own event last. A launch cut short anywhere (a crash, a conflict, an
 * EventStoreDB append failing midway) leaves the campaign approved with part of its audience
 * enrolled; the same launch again (a retry, or after a restart) decides on that state: customers
 * enrolled keep the group they got first (their decider decides nothing new), the budget is
 * committed once, and the rest are enrolled. Event ids derive from the campaign, never from the
 * request, so two attempts name the same fact the same and a repeated append stores nothing twice.
 * The finished launch equals one that was never interrupted.
 */
@CommandHandler(LaunchCampaign)
export class LaunchCampaignHandler implements ICommandHandler<LaunchCampaign> {
  constructor(@Inject(RUNTIME) private readonly runtime: Runtime) {}

  async execute(m: LaunchCampaign): Promise<LaunchOutcome> {
    const { store } = this.runtime;
    // Event ids derive from the campaign, not the request: every attempt at this launch names its facts alike.
    const context = { ...m.context, idempotencyKey: `launch ${m.campaignId}` };
    const seed = m.randomisationSeed ?? m.campaignId;
    // Its enrolments are dated at the launch: a launch dated back past the grace, or into a closed
    // month, is refused whole here, not customer by customer once the launch is recorded.
    requireBusinessTimeAllowed({ at: m.at, by: m.by, org: m.org, ...m.recording });
    const launch = (audienceSize: number, treatmentCount: number) =>
      ({ type: 'LaunchCampaign', campaignId: m.campaignId, org: m.org, by: m.by, at: m.at, audienceSize, treatmentCount, randomisationSeed: seed }) as const;
    return retryOnConflict(5, async () => {
      const campaign = await loadState(store, campaignStream(m.campaignId), campaignDecider);
      // Everything the campaign decides without the audience (unknown, out of scope, not approved,
      // not started, over) is refused before the directory is read or a customer is loaded.
      campaignDecider.decide(launch(1, 1), campaign.state);
      const plan = campaign.state.plan!;
      const { audience, enrolledBefore, position: selectedAt } = await this.audience(plan, m.campaignId, m.org, m.at);
      // A resumed launch counts everyone an earlier attempt enrolled, in the group they got, even those
      // today's audience leaves out (opted out, erased, capped since): their enrolment stands.
      const inAudience = new Set(audience.customerIds);
      const split = splitAudience(seed, [...audience.customerIds, ...enrolledBefore.filter((e) => !inAudience.has(e.customerId)).map((e) => e.customerId)], plan.controlGroupPercent);
      // Where the store can tell which streams moved since the directory's position (Postgres), the
      // customers whose streams did not are decided on the directory; EventStoreDB reads every stream.
      const heads = selectedAt && store.streamHeadsSince ? await store.streamHeadsSince(audience.customerIds.map(customerStream), selectedAt) : null;
      const directory = heads && { audience: inAudience, enrolled: new Map(enrolledBefore.map((e) => [e.customerId, e.group])), heads };

      const includeOtherControlGroups = plan.includeOtherControlGroups ?? false;
      // Those the audience function left out, as the preview showed them; then any the customers' deciders refuse.
      const excludedBefore = Object.fromEntries(Object.entries(audience.excluded).filter(([, n]) => n > 0));
      const { enrolments, enrolled, treatmentCount, alreadyEnrolled, excluded } = await this.decideEnrolments(m, plan.ownerUnitId, plan.channels, includeOtherControlGroups, split, excludedBefore, directory);
      requireSameSplit(seed, plan.controlGroupPercent, alreadyEnrolled);
      const events = campaignDecider.decide(launch(enrolled, treatmentCount), campaign.state);

      const budget = await loadState(store, budgetStream(plan.ownerUnitId), budgetDecider);
      const budgetEvents = budgetDecider.decide(
        { type: 'CommitBudget', unitId: plan.ownerUnitId, year: businessYear(plan.period.start), campaignId: m.campaignId, amount: plan.budget, org: m.org, by: m.by, at: m.at },
        budget.state,
      );
      // Enrolments first, in batches; the campaign's own event last, so a launch cut short leaves
      // the campaign approved and the next attempt finishes it.
      let position: Position | null = null;
      const later = (p: Position | null) => (p && (!position || comparePositions(p, position) > 0) ? (position = p) : position);
      const inFlight: Promise<unknown>[] = [];
      try {
        for (let i = 0; i < enrolments.length; i += ENROLMENT_BATCH) {
          const appended = appendDecisions(store, enrolments.slice(i, i + ENROLMENT_BATCH), context).then(later);
          // A failure is thrown where the append is awaited; the catch only keeps one left in flight from going unhandled.
          appended.catch(() => undefined);
          inFlight.push(appended);
          if (inFlight.length >= APPENDS_IN_FLIGHT) await inFlight.shift();
        }
        await Promise.all(inFlight);
      } catch (err) {
        // Every append still in flight ends (commits or fails) before the retry reads the streams again.
        await Promise.allSettled(inFlight);
        throw err;
      }
      later(
        await appendDecisions(
          store,
          [
            { streamId: budgetStream(plan.ownerUnitId), events: budgetEvents, expectedRevision: expectedFor(budget.revision) },
            { streamId: campaignStream(m.campaignId), events, expectedRevision: expectedFor(campaign.revision) },
          ],
          context,
        ),
      );
      return { events, revision: campaign.revision + events.length, position, audienceSize: enrolled, controlCount: enrolled - treatmentCount, excluded };
    });
  }

  /**
   * Each customer's enrolment, a chunk at a time. On their stream by their own decider: the next
   * chunk's streams are read (bulk `readStreams`) while this one is decided, and only the
   * decisions are kept, so a launch to a million customers holds a million small decisions, not a
   * million folded states. Nothing is appended here: a refusal that stops the launch appends nothing.
   *
   * On the directory, for a customer of the audience whose stream holds no event after the
   * directory's position (`directory`): the directory row is then the fold of their whole stream,
   * and the audience selection has already applied to it every refusal the decider makes for an
   * enrolment (erased, opted out of every channel of the campaign — the selection leaves out at
   * least those —, in another control group in force, held outside the campaign's unit), so the
   * decider would enrol them, unless the directory shows them enrolled already (a resumed launch:
   * their group stands, nothing is appended). The enrolment expects the stream's revision read
   * with the "nothing since" check, so a fact recorded since (an opt-out) makes the append
   * conflict and the launch decide again. The decider's checks that do not depend on the customer
   * (role, scope, closed period) are made on the first customer, always decided on their stream.
   */
  private async decideEnrolments(
    m: LaunchCampaign,
    ownerUnitId: string,
    channels: CampaignPlan['channels'],
    includeOtherControlGroups: boolean,
    all: readonly { customerId: string; group: 'treatment' | 'control' }[],
    excludedBefore: Record<string, number>,
    directory: DirectoryAtPosition | null,
  ): Promise<EnrolmentDecisions> {
    const { store } = this.runtime;
    const excluded = { ...excludedBefore };
    const enrolments: StreamDecision[] = [];
    const alreadyEnrolled: { customerId: string; group: 'treatment' | 'control' }[] = [];
    let enrolled = 0;
    let treatmentCount = 0;
    const split: { customerId: string; group: 'treatment' | 'control' }[] = [];
    for (const [i, x] of all.entries()) {
      const streamId = customerStream(x.customerId);
      const revision = directory?.heads.revisions.get(streamId);
      if (i === 0 || !directory || revision === undefined || !directory.audience.has(x.customerId) || directory.heads.changedAfter.has(streamId)) {
        split.push(x);
        continue;
      }
      const before = directory.enrolled.get(x.customerId);
      enrolled++;
      if ((before ?? x.group) === 'treatment') treatmentCount++;
      if (before) alreadyEnrolled.push({ customerId: x.customerId, group: before });
      else enrolments.push({ streamId, events: [{ type: 'CustomerEnrolledInCampaign', data: { campaignId: m.campaignId, customerId: x.customerId, group: x.group } }], expectedRevision: revision });
    }
    const read = (from: number) => {
      const states = loadStates(store, split.slice(from, from + DECIDE_CHUNK).map((x) => customerStream(x.customerId)), customerDecider);
      // A failed read is thrown where it is awaited; the catch only keeps a read ahead from going unhandled.
      states.catch(() => undefined);
      return states;
    };
    let next = split.length > 0 ? read(0) : null;
    for (let from = 0; next; from += DECIDE_CHUNK) {
      const customers: Map<string, { state: CustomerState; revision: number }> = await next;
      next = from + DECIDE_CHUNK < split.length ? read(from + DECIDE_CHUNK) : null;
      const heldBy = await controlGroupsInForce(store, [...customers.values()].map((c) => c.state), m.at);
      for (const { customerId, group } of split.slice(from, from + DECIDE_CHUNK)) {
        const customer = customers.get(customerStream(customerId))!;
        const before = customer.state.enrolments.get(m.campaignId);
        if (before) alreadyEnrolled.push({ customerId, group: before });
        let events: readonly DomainEvent[];
        try {
          events = customerDecider.decide(
            {
              type: 'EnrolInCampaign', customerId, campaignId: m.campaignId, ownerUnitId, group, channels,
              includeOtherControlGroups, controlGroupsInForce: heldBy(customer.state), org: m.org, by: m.by, at: m.at, ...m.recording,
            },
            customer.state,
          );
        } catch (refusal) {
          // Only the refusals that say "not this customer" shrink the audience; anything else stops the launch.
          if (!(refusal instanceof DomainError) || !EXCLUSIONS.has(refusal.code)) throw refusal;
          excluded[refusal.code] = (excluded[refusal.code] ?? 0) + 1;
          continue;
        }
        enrolled++;
        // A customer enrolled by an earlier, interrupted attempt keeps the group they got then.
        if ((before ?? group) === 'treatment') treatmentCount++;
        if (events.length > 0) enrolments.push({ streamId: customerStream(customerId), events, expectedRevision: expectedFor(customer.revision) });
      }
    }
    return { enrolments, enrolled, treatmentCount, alreadyEnrolled, excluded };
  }

  /** The customers the audience rule selects now (the preview's function) and those already enrolled, once the directory has caught up with the store, and the position it shows. */
  private async audience(
    plan: CampaignPlan,
    campaignId: string,
    org: Organisation,
    at: string,
  ): Promise<{ audience: SelectedAudience; enrolledBefore: { customerId: string; group: Group }[]; position: Position | null }> {
    const { store, db } = this.runtime;
    const head = await store.headPosition();
    if (head && !(await waitForProjection(db.pool, customerDirectoryProjection.name, head, DIRECTORY_WAIT_MS))) {
      throw new ServiceUnavailableException({ code: 'READ_MODEL_BEHIND', message: 'the customer directory is catching up; try the launch again shortly' });
    }
    return withReadModels(db.pool, [customerDirectoryProjection.name], async (rm) => ({
      audience: await campaignAudience(rm, plan, campaignId, org, at),
      enrolledBefore: await campaignEnrolments(rm, campaignId),
      position: await directoryPosition(rm),
    }));
  }
}
