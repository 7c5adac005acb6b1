import { correctionReasonCode } from './correction-reasons';

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
