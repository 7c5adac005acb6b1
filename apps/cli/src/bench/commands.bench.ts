import { randomUUID } from 'node:crypto';
import { customerDecider, customerStream, type Actor, type CustomerCommand } from '@app/domain';
import type { Runtime } from '@app/platform';
import { DecideOnStream, startApplication, type CommandContext } from '@app/application';
import { percentiles, timed } from './percentiles';

const rm: Actor = { userId: 'rm1', unitId: 'SB1', role: 'relationship_manager' };
/** Risk assessments are recorded apart from the seller (a head or an admin). */
const admin: Actor = { userId: 'admin', unitId: 'HO', role: 'admin' };
const context = (): CommandContext => ({ correlationId: randomUUID(), actor: rm.userId, orgUnit: rm.unitId, occurredAt: new Date().toISOString() });

/**
 * The command path as every app runs it: the application's CommandBus → load the customer's stream → decide with the
 * rules (opt-outs, suitability) → append with the expected revision. A mix of contacts, offers and
 * sales over `customers` customers, by 1 and by 16 concurrent clients.
 */
export async function commandBench(runtime: Runtime, customers: number, perClient: { 1: number; 16: number }) {
  const app = await startApplication(runtime);
  try {
    const bus = app.commands;
    const org = await app.directory.current();
    const send = (command: Omit<CustomerCommand, 'org' | 'by' | 'at'>, by = rm) =>
      bus.execute(new DecideOnStream(customerStream(command.customerId), customerDecider, { ...command, org, by, at: new Date().toISOString() } as CustomerCommand, context()));
    const ids = Array.from({ length: customers }, (_, i) => `bench-c${i}`);
    for (const customerId of ids) {
      await send({ type: 'OnboardCustomer', customerId, segment: 'retail', gender: 'F', birthYear: null, assetsByUnit: { SB1: '300000' } } as never);
      await send({ type: 'AssessRisk', customerId, tolerance: 'R3' } as never, admin);
    }
    const gold = org.products.get('GOLD')!;
    const deposit = org.products.get('DEP-1Y')!;
    const mix = (i: number): Omit<CustomerCommand, 'org' | 'by' | 'at'> => {
      const customerId = ids[(i * 7919) % ids.length]!;
      switch (i % 3) {
        case 0:
          return { type: 'RecordContact', customerId, contactId: randomUUID(), staffId: 'rm1', channel: 'phone', outcomeNote: null, campaign: null, controlGroupsInForce: [] } as never;
        case 1:
          return { type: 'PresentOffer', customerId, offerId: randomUUID(), staffId: 'rm1', product: gold, campaign: null, controlGroupsInForce: [] } as never;
        default:
          return { type: 'RecordConversion', customerId, conversionId: randomUUID(), staffId: 'rm1', product: deposit, amount: '10000.00', revenue: '50.00', campaign: null, controlGroupsInForce: [], referrerStaffId: null, referralId: null } as never;
      }
    };
    const run = async (clients: number, each: number) => {
      const latencies: number[] = [];
      let next = clients * each * 10;
      const [, ms] = await timed(() =>
        Promise.all(
          Array.from({ length: clients }, async () => {
            for (let k = 0; k < each; k++) {
              const [, t] = await timed(() => send(mix(next++)));
              latencies.push(t);
            }
          }),
        ),
      );
      return { clients, commands: clients * each, commandsPerSecond: Math.round((clients * each) / (ms / 1000)), latencyMs: percentiles(latencies) };
    };
    return { customers, oneClient: await run(1, perClient[1]), sixteenClients: await run(16, perClient[16]) };
  } finally {
    await app.close();
  }
}
