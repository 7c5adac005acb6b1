import type { Channel, RiskLevel, Tier } from '../shared/types';
import type { Group, OfferData } from './customer.events';

export interface ContactRecord {
  readonly staffId: string;
  readonly campaignId: string | null;
  readonly at: string;
}

export interface CustomerState {
  readonly status: 'none' | 'active';
  readonly customerId: string;
  readonly homeUnitId: string;
  readonly managerId: string | null;
  readonly tier: Tier;
  /** Monthly average daily assets in fen, oldest first; the last three are kept. */
  readonly balances: readonly { month: string; fen: number }[];
  readonly holdings: ReadonlySet<string>;
  readonly risk: { tolerance: RiskLevel; validUntil: string } | null;
  readonly consents: ReadonlySet<Channel>;
  readonly enrolments: ReadonlyMap<string, Group>;
  readonly contacts: ReadonlyMap<string, ContactRecord>;
  readonly offers: ReadonlyMap<string, OfferData & { open: boolean }>;
  readonly conversions: ReadonlyMap<string, { reversed: boolean }>;
  readonly complaints: ReadonlyMap<string, { open: boolean; answerDueBy: string }>;
  /** Referrals on file (转介绍), with who referred the customer to whom. */
  readonly referrals: ReadonlyMap<string, { readonly referrerStaffId: string; readonly sellerStaffId: string }>;
  readonly pendingClaim: { claimId: string; staffId: string; unitId: string } | null;
  /** Personal data destroyed (crypto-shredded): it can be neither read nor written again. */
  readonly erased: boolean;
}

export const initialCustomerState = (): CustomerState => ({
  status: 'none',
  customerId: '',
  homeUnitId: '',
  managerId: null,
  tier: 'ordinary',
  balances: [],
  holdings: new Set(),
  risk: null,
  consents: new Set(),
  enrolments: new Map(),
  contacts: new Map(),
  offers: new Map(),
  conversions: new Map(),
  complaints: new Map(),
  referrals: new Map(),
  pendingClaim: null,
  erased: false,
});
