/** A stored first response to an idempotent command, sent again exactly as it was. */
export class ReplayedResponse extends Error {
  constructor(
    readonly statusCode: number,
    readonly body: unknown,
  ) {
    super('replayed response');
  }
}
