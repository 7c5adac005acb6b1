import { asOfInstant, fromInstant } from './time';
import { bankDateTime, bankTimeZone, businessDay, nextBusinessDay, businessMonth, businessYear, checkTimeZone, endOfBusinessDay, startOfBusinessDay, useBankTimeZone } from './calendar';

describe('the bank calendar (Asia/Shanghai, UTC+8, no summer time)', () => {
  afterEach(() => useBankTimeZone('Asia/Shanghai'));

  it('puts 23:30 UTC on 31 March into 1 April: 07:30 Beijing time', () => {
    expect(businessDay('2026-03-31T23:30:00.000Z')).toBe('2026-04-01');
    expect(businessMonth('2026-03-31T23:30:00.000Z')).toBe('2026-04');
  });

  it('writes a time as the bank\'s wall clock shows it: 23:30:05 UTC on 31 March is 07:30:05 on 1 April', () => {
    // 23:30:05 + 8 h = 31:30:05 = 07:30:05 the next day.
    expect(bankDateTime('2026-03-31T23:30:05.000Z')).toBe('2026-04-01 07:30:05');
    // Midnight Beijing (16:00 UTC the day before) is 00:00, never 24:00.
    expect(bankDateTime(new Date('2026-12-31T16:00:00.000Z'))).toBe('2027-01-01 00:00:00');
  });

  it('keeps 23:30 Beijing time on 31 March in March (15:30 UTC)', () => {
    expect(businessMonth('2026-03-31T15:30:00.000Z')).toBe('2026-03');
    expect(businessMonth('2026-03-31T23:30:00+08:00')).toBe('2026-03');
    expect(businessMonth('2026-04-01T00:30:00+08:00')).toBe('2026-04');
  });

  it('starts the budget year at midnight Beijing time on 1 January (16:00 UTC on 31 December)', () => {
    expect(businessYear('2025-12-31T16:00:00.000Z')).toBe(2026);
    expect(businessYear('2025-12-31T15:59:59.999Z')).toBe(2025);
  });

  it('cuts a bank day at Beijing midnight: 2026-06-30 runs from 16:00 UTC the day before to 15:59:59.999 UTC', () => {
    expect(startOfBusinessDay('2026-06-30')).toBe('2026-06-29T16:00:00.000Z');
    expect(endOfBusinessDay('2026-06-30')).toBe('2026-06-30T15:59:59.999Z');
    expect(endOfBusinessDay('2026-12-31')).toBe('2026-12-31T15:59:59.999Z');
  });

  it('follows another zone with summer time when the bank is elsewhere (London: BST is UTC+1 from 29 March 2026)', () => {
    useBankTimeZone('Europe/London');
    expect(bankTimeZone()).toBe('Europe/London');
    expect(startOfBusinessDay('2026-03-28')).toBe('2026-03-28T00:00:00.000Z');
    expect(startOfBusinessDay('2026-03-30')).toBe('2026-03-29T23:00:00.000Z');
    expect(businessDay('2026-06-30T23:30:00.000Z')).toBe('2026-07-01');
  });

  it('gives the wall clock second by second on both sides of a change of offset, asked many times in the same hours (London, 29 March 2026, 01:00 UTC)', () => {
    useBankTimeZone('Europe/London');
    for (let round = 0; round < 3; round++) {
      // 00:59:59 UTC is 00:59:59 GMT; one second later BST starts: 02:00:00.
      expect(bankDateTime('2026-03-29T00:59:59.000Z')).toBe('2026-03-29 00:59:59');
      expect(bankDateTime('2026-03-29T01:00:00.000Z')).toBe('2026-03-29 02:00:00');
      expect(bankDateTime('2026-03-29T01:30:00.000Z')).toBe('2026-03-29 02:30:00');
      // Back to GMT on 25 October 2026 at 01:00 UTC (02:00 BST → 01:00 GMT): 00:59:59 UTC is 01:59:59 BST.
      expect(bankDateTime('2026-10-25T00:59:59.000Z')).toBe('2026-10-25 01:59:59');
      expect(bankDateTime('2026-10-25T01:00:00.000Z')).toBe('2026-10-25 01:00:00');
    }
  });

  it('gets an offset that changes in the middle of a UTC hour right (Lord Howe Island, 4 October 2026: 02:00 +10:30 → 02:30 +11 at 15:30 UTC on the 3rd)', () => {
    useBankTimeZone('Australia/Lord_Howe');
    for (let round = 0; round < 2; round++) {
      // 15:00 UTC + 10:30 = 25:30 = 01:30 on the 4th; 15:29:59 + 10:30 = 01:59:59.
      expect(bankDateTime('2026-10-03T15:00:00.000Z')).toBe('2026-10-04 01:30:00');
      expect(bankDateTime('2026-10-03T15:29:59.000Z')).toBe('2026-10-04 01:59:59');
      // From 15:30 UTC, +11: 15:30 + 11 = 26:30 = 02:30; 15:59:59 + 11 = 02:59:59.
      expect(bankDateTime('2026-10-03T15:30:00.000Z')).toBe('2026-10-04 02:30:00');
      expect(bankDateTime('2026-10-03T15:59:59.000Z')).toBe('2026-10-04 02:59:59');
    }
  });

  it('refuses a zone the runtime does not know, naming it', () => {
    expect(() => checkTimeZone('Mars/Olympus')).toThrow(/Mars\/Olympus/);
    expect(() => useBankTimeZone('Mars/Olympus')).toThrow(RangeError);
    expect(bankTimeZone()).toBe('Asia/Shanghai');
  });

  it('reads "as of 2026-06-30" as the end of that bank day, and refuses a time without its offset', () => {
    expect(asOfInstant('2026-06-30')!.toISOString()).toBe('2026-06-30T15:59:59.999Z');
    expect(asOfInstant('2026-06-30T12:00:00+08:00')!.toISOString()).toBe('2026-06-30T04:00:00.000Z');
    expect(asOfInstant('2026-06-30T12:00:00')).toBeUndefined();
    expect(asOfInstant('2026-02-30')).toBeUndefined();
  });

  it('reads "from 2026-03-02" as the start of that bank day (00:00 Beijing, 16:00 UTC the day before), and refuses a time without its offset', () => {
    expect(fromInstant('2026-03-02')!.toISOString()).toBe('2026-03-01T16:00:00.000Z');
    expect(fromInstant('2026-03-02T00:30:00+08:00')!.toISOString()).toBe('2026-03-01T16:30:00.000Z');
    expect(fromInstant('2026-03-02T10:00:00')).toBeUndefined();
    expect(fromInstant('2026-02-30')).toBeUndefined();
    expect(fromInstant('2026-02-30T00:00:00Z')).toBeUndefined();
    useBankTimeZone('Europe/London');
    // The day summer time starts (29 March 2026, 01:00 → 02:00) still starts at its midnight, 00:00 GMT.
    expect(fromInstant('2026-03-29')!.toISOString()).toBe('2026-03-29T00:00:00.000Z');
    expect(fromInstant('2026-03-30')!.toISOString()).toBe('2026-03-29T23:00:00.000Z');
  });

  it('starts a day whose midnight never happens at its first instant (Santiago, 8 Sep 2024: 00:00 → 01:00, UTC−4 → UTC−3)', () => {
    useBankTimeZone('America/Santiago');
    expect(startOfBusinessDay('2024-09-08')).toBe('2024-09-08T04:00:00.000Z');
    expect(businessDay('2024-09-08T04:00:00.000Z')).toBe('2024-09-08');
    expect(endOfBusinessDay('2024-09-07')).toBe('2024-09-08T03:59:59.999Z');
  });

  it('counts the next bank day by the calendar, across month and year ends', () => {
    expect(nextBusinessDay('2026-12-31')).toBe('2027-01-01');
    expect(nextBusinessDay('2028-02-28')).toBe('2028-02-29');
  });
});
