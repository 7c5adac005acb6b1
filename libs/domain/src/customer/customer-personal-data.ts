import { ERASURE_REASONS, REFERENCE_PATTERN, REFERENCE_RULE, isErasureReason } from './erasure-reasons';
import { personalDataInClear } from '../access/access';
import { forbidden, illegalState, invalid } from '../errors';
import type { CustomerCommandOf } from './customer.commands';
import type { CustomerEventOf } from './customer.events';

/**
 * The customer's right to have personal data corrected or deleted (001 服务准则 1). The values
 * live only in the encrypted vault; the stream keeps which fields changed and whether they were
 * destroyed.
 */
export interface PersonalDataState {
  /** Personal data destroyed (crypto-shredded): it can be neither read nor written again. */
  readonly erased: boolean;
}

export const initialPersonalData = (): PersonalDataState => ({ erased: false });

export type PersonalDataCommand = CustomerCommandOf<'CorrectPersonalData' | 'EraseCustomerData'>;
export type PersonalDataEvent = CustomerEventOf<'CustomerPersonalDataCorrected' | 'CustomerDataErased'>;

export function evolvePersonalData<S extends PersonalDataState>(s: S, e: PersonalDataEvent): S {
  switch (e.type) {
    case 'CustomerPersonalDataCorrected':
      // The vault holds the values; nothing here changes.
      return s;
    case 'CustomerDataErased':
      return s.erased ? s : { ...s, erased: true };
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

export function decidePersonalData(c: PersonalDataCommand, s: PersonalDataState & { readonly managerId: string | null }): PersonalDataEvent[] {
  const customerId = c.customerId;
  switch (c.type) {
    case 'CorrectPersonalData': {
      if (s.erased) throw illegalState('DATA_ERASED', 'this customer\'s personal data was erased; it cannot be written again', { customerId });
      // Written by whoever may read it in clear (or an admin): a manager of the sub-branch may not overwrite a walk-in's details.
      if (c.by.role !== 'admin' && !personalDataInClear(c.by, 'full', s)) {
        throw forbidden('NOT_YOUR_CUSTOMER', 'personal data is corrected by the customer\'s own manager, a head of their unit or an admin', { customerId });
      }
      if (c.fields.length === 0) throw invalid('NOTHING_TO_CORRECT', 'name at least one personal field to correct');
      if (c.nameMissing) throw invalid('NAME_REQUIRED', 'personal data needs a name', {});
      return [{ type: 'CustomerPersonalDataCorrected', data: { customerId, fields: [...new Set(c.fields)].sort() } }];
    }
    case 'EraseCustomerData': {
      if (c.by.role !== 'admin') throw forbidden('ROLE_NOT_ALLOWED', 'erasure is done by an admin', { actual: c.by.role });
      if (!isErasureReason(c.reasonCode)) throw invalid('REASON_REQUIRED', `an erasure gives its reason, one of ${ERASURE_REASONS.join(', ')}`, { field: 'reason' });
      if (c.requestRef !== null && !REFERENCE_PATTERN.test(c.requestRef)) throw invalid('INVALID_REFERENCE', REFERENCE_RULE, { field: 'requestRef' });
      if (s.erased) return [];
      return [{ type: 'CustomerDataErased', data: { customerId, reasonCode: c.reasonCode, requestRef: c.requestRef, erasedBy: c.by.userId } }];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}
