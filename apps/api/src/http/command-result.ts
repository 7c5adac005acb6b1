import { formatPosition } from '@app/event-store';
import { type HandledCommand } from '@app/application';

/** What every command answers: the stream it wrote to, its new revision and global position. */
export interface CommandResult {
  readonly id: string;
  readonly streamId: string;
  readonly revision: number;
  /** `"<commit>/<prepare>"`; pass as `minPosition` to read your own write. Null when nothing was appended. */
  readonly position: string | null;
  readonly events: string[];
}

export function commandResult(id: string, streamId: string, handled: HandledCommand<{ type: string; data: unknown }>): CommandResult {
  return {
    id,
    streamId,
    revision: handled.revision,
    position: handled.position ? formatPosition(handled.position) : null,
    events: handled.events.map((e) => e.type),
  };
}

export const COMMAND_RESULT_EXAMPLE = { id: 'K-2026-001', streamId: 'campaign-K-2026-001', revision: 0, position: '1187/42', events: ['CampaignDrafted'] };
