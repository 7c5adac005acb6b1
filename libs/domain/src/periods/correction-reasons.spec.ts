import { correctionReasonCode } from './correction-reasons';
import { REFERENCE_PATTERN } from '../customer/erasure-reasons';

/** Correction reasons stored before the codes were free text: read as a code, the text dropped (issue 16 leftovers). */
describe('correctionReasonCode', () => {
  it('keeps what the API writes: a code, or a code and a reference', () => {
    expect(correctionReasonCode('late_booking')).toBe('late_booking');
    expect(correctionReasonCode('audit_finding AUD-2026/03.17')).toBe('audit_finding AUD-2026/03.17');
    expect(correctionReasonCode('other TCK-88')).toBe('other TCK-88');
  });

  it('reads legacy prose as its first word when that is a code, else other, without the text', () => {
    expect(correctionReasonCode('Mrs Chen (13700001111) came back on 1 April, her deposit was keyed late')).toBe('other');
    expect(correctionReasonCode('late_booking: Mr Wu signed on 31 March 23:50, keyed on 1 April')).toBe('late_booking');
    expect(correctionReasonCode('booking_error wrong amount for 王芳')).toBe('booking_error');
    expect(correctionReasonCode('Late_Booking')).toBe('other');
    expect(correctionReasonCode('')).toBe('other');
    expect(correctionReasonCode('  system_fault  ')).toBe('system_fault');
  });
});

/** Review of issue 16 leftovers: a phone number or a bare name passed as a "reference". */
describe('REFERENCE_PATTERN', () => {
  it('takes a letter prefix and a separator, then letters, digits and ._:/-, up to 64 characters', () => {
    for (const ref of ['DPO-2026-0042', 'COURT/2026-118', 'AUD-2026/03.17', 'TCK-88', 'TICKET-2026-7', 'INC-20261206001', `A-${'9'.repeat(62)}`]) expect({ ref, ok: REFERENCE_PATTERN.test(ref) }).toEqual({ ref, ok: true });
  });

  it('refuses a phone number, a bare name or number, prose, and anything over 64 characters', () => {
    const refused = ['13700001111', 'TEL-13700001111', 'AUD-2026/13500002222', 'tel:13912345678', 'Zhang', '20260042', 'A-', 'rang on 13700009999', '-AUD-1', `A-${'9'.repeat(63)}`];
    for (const ref of refused) expect({ ref, ok: REFERENCE_PATTERN.test(ref) }).toEqual({ ref, ok: false });
  });

  it('so a correction of `other 13700001111` reads as other, the number dropped', () => {
    expect(correctionReasonCode('other 13700001111')).toBe('other');
    expect(correctionReasonCode('late_booking Zhang')).toBe('late_booking');
  });
});
