import type { VipCardEvent } from '../card/vip-card.decider';
import type { CustomerEvent } from './customer.events';

/**
 * Everything on `customer-<id>`: the customer's own facts and their VIP card's, which the card
 * decider writes there so a card and its holder's tier are decided on one revision.
 */
export type CustomerStreamEvent = CustomerEvent | VipCardEvent;
