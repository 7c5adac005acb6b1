import { illegalState, invalid, notFound, refused } from '../errors';
import { addDays, isBefore } from '../shared/time';
import type { CustomerCommandOf } from './customer.commands';
import { duplicate } from './customer.errors';
import type { CustomerEventOf } from './customer.events';
import type { ContactState } from './customer-contact';

/** Complaints (001 服务准则 4): each answered by a deadline; one answer each. */
export interface ComplaintsState {
  /** `complainedAt`: the complaint's business time (its event's `occurredAt`), when the stored event says. */
  readonly complaints: ReadonlyMap<string, { open: boolean; answerDueBy: string; complainedAt: string | null }>;
}

export const initialComplaints = (): ComplaintsState => ({ complaints: new Map() });

export type ComplaintsCommand = CustomerCommandOf<'RecordComplaint' | 'AnswerComplaint'>;
export type ComplaintsEvent = CustomerEventOf<'ComplaintRecorded' | 'ComplaintAnswered'>;

export function evolveComplaints<S extends ComplaintsState>(s: S, e: ComplaintsEvent): S {
  switch (e.type) {
    case 'ComplaintRecorded':
      return { ...s, complaints: new Map(s.complaints).set(e.data.complaintId, { open: true, answerDueBy: e.data.answerDueBy, complainedAt: occurredAtOf(e) }) };
    case 'ComplaintAnswered':
      return { ...s, complaints: new Map(s.complaints).set(e.data.complaintId, { ...s.complaints.get(e.data.complaintId)!, open: false }) };
    default: {
      const unreachable: never = e;
      return unreachable;
    }
  }
}

/** The business time a stored event carries in its metadata (the deciders fold stored events), or null. */
const occurredAtOf = (e: object): string | null => {
  const at = (e as { metadata?: { occurredAt?: unknown } }).metadata?.occurredAt;
  return typeof at === 'string' ? at : null;
};

/** A complaint names the contact that caused it, so it counts against that campaign and member of staff. */
export function decideComplaints(c: ComplaintsCommand, s: ComplaintsState & ContactState): ComplaintsEvent[] {
  const customerId = c.customerId;
  switch (c.type) {
    case 'RecordComplaint': {
      if (s.complaints.has(c.complaintId)) throw duplicate('complaint', c.complaintId);
      const contact = c.contactId ? s.contacts.get(c.contactId) : undefined;
      if (c.contactId && !contact) throw notFound('UNKNOWN_CONTACT', `no contact ${c.contactId} for this customer`, { contactId: c.contactId });
      if (!Number.isInteger(c.answerWithinDays) || c.answerWithinDays < 1) throw invalid('INVALID_DEADLINE', 'answerWithinDays must be a whole number of days, at least 1');
      return [
        {
          type: 'ComplaintRecorded',
          data: {
            complaintId: c.complaintId,
            customerId,
            category: c.category,
            descriptionNote: c.descriptionNote,
            contactId: c.contactId,
            staffId: contact?.staffId ?? null,
            campaignId: contact?.campaignId ?? null,
            answerDueBy: addDays(c.at, c.answerWithinDays),
          },
        },
      ];
    }
    case 'AnswerComplaint': {
      const complaint = s.complaints.get(c.complaintId);
      if (!complaint) throw notFound('UNKNOWN_COMPLAINT', `no complaint ${c.complaintId} for this customer`, { complaintId: c.complaintId });
      if (!complaint.open) throw illegalState('COMPLAINT_ALREADY_ANSWERED', `complaint ${c.complaintId} is already answered`, { complaintId: c.complaintId });
      // An answer dated before the complaint would clear its "late" flag: it can never predate it.
      if (complaint.complainedAt && isBefore(c.at, complaint.complainedAt)) {
        throw refused('ANSWER_BEFORE_COMPLAINT', `an answer cannot be dated before its complaint (${complaint.complainedAt})`, { complaintId: c.complaintId, complainedAt: complaint.complainedAt, occurredAt: c.at });
      }
      return [{ type: 'ComplaintAnswered', data: { complaintId: c.complaintId, customerId, answeredBy: c.by.userId, late: isBefore(complaint.answerDueBy, c.at) } }];
    }
    default: {
      const unreachable: never = c;
      return unreachable;
    }
  }
}
