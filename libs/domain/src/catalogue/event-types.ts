import type { BudgetEvent } from '../budget/budget.decider';
import type { CampaignEvent } from '../campaign/campaign.events';
import type { VipCardEvent, VipCardRegistryEvent } from '../card/vip-card.decider';
import type { CustomerEvent } from '../customer/customer.events';
import type { DemoSeedEvent } from '../demo/demo-seed.events';
import type { OrganisationEvent } from '../organisation/organisation.events';
import type { PointsEvent } from '../points/points.decider';

/** Every event the product writes, whichever stream it goes to. */
export type CatalogueEvent = CustomerEvent | CampaignEvent | OrganisationEvent | BudgetEvent | VipCardEvent | VipCardRegistryEvent | PointsEvent | DemoSeedEvent;
export type EventType = CatalogueEvent['type'];
export type DataOf<T extends EventType> = Extract<CatalogueEvent, { type: T }>['data'];

