import { refusedAndRecorded } from '../errors';
import type { Product } from '../organisation/organisation.state';
import { addYears } from '../shared/time';
import type { RiskLevel } from '../shared/types';
import type { CustomerCommandOf } from './customer.commands';
import type { CustomerEventOf } from './customer.events';
import { unsuitability } from './customer.rules';
import type { RelationshipState } from './customer-relationship';

/** The customer's assessed risk tolerance, against which every risk-bearing sale is checked (001 服务准则 2b). */
export interface SuitabilityState {
  readonly risk: { tolerance: RiskLevel; validUntil: string } | null;
}

export const initialSuitability = (): SuitabilityState => ({ risk: null });

export type SuitabilityCommand = CustomerCommandOf<'AssessRisk'>;
export type SuitabilityEvent = CustomerEventOf<'RiskProfileAssessed' | 'OfferBlockedAsUnsuitable'>;

export function evolveSuitability<S extends SuitabilityState>(s: S, e: SuitabilityEvent): S {
  switch (e.type) {
    case 'RiskProfileAssessed':
      return { ...s, risk: { tolerance: e.data.tolerance, validUntil: e.data.validUntil } };
    case 'OfferBlockedAsUnsuitable':
      // On record for compliance; nothing was offered or sold.
      return s;
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decideSuitability(c: SuitabilityCommand, _s: SuitabilityState): SuitabilityEvent[] {
  return [{ type: 'RiskProfileAssessed', data: { customerId: c.customerId, tolerance: c.tolerance, assessedAt: c.at, validUntil: addYears(c.at, 1) } }];
}

/** Refuses an unsuitable product, keeping the refusal on record for compliance. */
export function requireSuitable(
  s: SuitabilityState & RelationshipState,
  product: Pick<Product, 'productCode' | 'riskLevel' | 'riskBearing'>,
  staffId: string,
  campaignId: string | null,
  attempted: 'offer' | 'conversion',
  now: string,
): void {
  const reason = unsuitability(product, s.risk, now);
  if (!reason) return;
  const blocked: SuitabilityEvent = {
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
