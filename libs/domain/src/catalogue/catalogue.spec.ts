import { checkEventData, currentSchemaVersion } from './catalogue';

describe('the event catalogue', () => {
  const onboarded = { customerId: 'C-1', homeUnitId: 'SB1', segment: 'retail', gender: 'F', birthYear: 1980 };

  it('accepts data that fits its type at its version', () => {
    expect(checkEventData('CustomerOnboarded', 1, onboarded)).toBeNull();
    expect(checkEventData('CustomerOnboarded', 1, { ...onboarded, birthYear: null })).toBeNull();
  });

  it('names the field and what fits there when the data does not', () => {
    expect(checkEventData('CustomerOnboarded', 1, { ...onboarded, gender: null })).toEqual({ field: 'data.gender', expected: 'one of "F", "M", "U"' });
    expect(checkEventData('CustomerOnboarded', 1, { ...onboarded, birthYear: '1980' })).toEqual({ field: 'data.birthYear', expected: 'number' });
    expect(checkEventData('ConversionRecorded', 1, { conversionId: 'x' })).toMatchObject({ field: 'data.customerId' });
  });

  it('refuses fields the type does not have', () => {
    expect(checkEventData('CustomerOnboarded', 1, { ...onboarded, name: '张三' })).toEqual({ field: 'data', expected: 'no field "name"' });
  });

  it('refuses an unknown type and a version the catalogue does not have', () => {
    expect(checkEventData('CustomerTeleported', 1, {})).toMatchObject({ field: 'type' });
    expect(checkEventData('CustomerOnboarded', currentSchemaVersion('CustomerOnboarded') + 1, onboarded)).toMatchObject({ field: 'metadata.schemaVersion' });
    expect(checkEventData('CustomerOnboarded', 0, onboarded)).toMatchObject({ field: 'metadata.schemaVersion' });
  });

  it('checks money as decimal strings, not numbers', () => {
    const budget = { unitId: 'HO', year: 2026, amount: '1000.00' };
    expect(checkEventData('AnnualBudgetSet', 1, budget)).toBeNull();
    expect(checkEventData('AnnualBudgetSet', 1, { ...budget, amount: 1000 })).toEqual({ field: 'data.amount', expected: 'string' });
  });
});
