import { formatPosition } from '@app/event-store';
import { type HandledCommand } from '@app/application';
import { EVENT_TYPES, type EventType } from '@app/domain';
import { z } from 'zod';

/** The catalogue's event type names: every appended event passed the catalogue, so this only parses what is so. */
const eventTypes = z.array(z.enum(EVENT_TYPES));

/** What every command answers: the stream it wrote to, its new revision and global position. */
export interface CommandResult {
  readonly id: string;
  readonly streamId: string;
  readonly revision: number;
  /** `"<commit>/<prepare>"`; pass as `minPosition` to read your own write. Null when nothing was appended. */
  readonly position: string | null;
  readonly events: EventType[];
}

export function commandResult(id: string, streamId: string, handled: HandledCommand<{ type: string; data: unknown }>): CommandResult {
  return {
    id,
    streamId,
    revision: handled.revision,
    position: handled.position ? formatPosition(handled.position) : null,
    events: eventTypes.parse(handled.events.map((e) => e.type)),
  };
}

export const COMMAND_RESULT_EXAMPLE = { id: 'K-2026-001', streamId: 'campaign-K-2026-001', revision: 0, position: '1187/42', events: ['CampaignDrafted'] };
