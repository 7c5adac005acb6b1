import { LegacyCorrectionReasons1764000019720 } from './legacy-correction-reasons';
import { LegacyErasureReasons1764000019710 } from './legacy-erasure-reasons';
import { LEGACY_REASON_MIGRATIONS, legacyReasonsWarning } from './legacy-reasons-warning';
import { MIGRATIONS } from './runtime';

/** Review of issue 16 leftovers: on EventStoreDB the legacy-reason rewrites do nothing; the start must say so, not pass silently. */
describe('the start-up warning of legacy reasons left on EventStoreDB', () => {
  const both = ['LegacyErasureReasons1764000019710', 'LegacyCorrectionReasons1764000019720'];

  it('names the two rewrites the migrations have (registered, under these names)', () => {
    expect([...LEGACY_REASON_MIGRATIONS]).toEqual([new LegacyErasureReasons1764000019710().name, new LegacyCorrectionReasons1764000019720().name]);
    expect(MIGRATIONS).toEqual(expect.arrayContaining([LegacyErasureReasons1764000019710, LegacyCorrectionReasons1764000019720]));
  });

  it('warns, with the count and the README paragraph, at the EventStoreDB start that recorded them as run', () => {
    const w = legacyReasonsWarning('eventstoredb', ['NotificationsSince1764000019500', ...both]);
    expect(w?.fields).toEqual({ store: 'eventstoredb', skippedRewrites: both, count: 2, readme: 'README.md#legacy-reasons-on-eventstoredb' });
    expect(w?.message).toContain('Legacy reasons on EventStoreDB');
    expect(legacyReasonsWarning('eventstoredb', ['LegacyCorrectionReasons1764000019720'])?.fields.count).toBe(1);
  });

  it('stays quiet on PostgreSQL (the rewrites ran there) and at later starts (nothing ran)', () => {
    expect(legacyReasonsWarning('postgres', both)).toBeUndefined();
    expect(legacyReasonsWarning('eventstoredb', [])).toBeUndefined();
    expect(legacyReasonsWarning('eventstoredb', ['NotificationsSince1764000019500'])).toBeUndefined();
  });
});
