/**
 * Refusals and failures the domain raises, each with a stable `code` that clients may rely on.
 * The HTTP layer maps the kind to a status in one place; the domain knows nothing of HTTP.
 */
export type DomainErrorKind = 'validation' | 'not_found' | 'illegal_state' | 'rule' | 'forbidden';

export class DomainError extends Error {
  override readonly name: string = 'DomainError';
  constructor(
    readonly kind: DomainErrorKind,
    readonly code: string,
    message: string,
    readonly details: Record<string, unknown> = {},
    /**
     * Facts to store although the command is refused: compliance wants the refusal on record
     * (e.g. `OfferBlockedAsUnsuitable`). The command handler appends them, then reports the refusal.
     */
    readonly recorded: readonly { type: string; data: unknown }[] = [],
  ) {
    super(message);
  }
}

/** Bad input the schema could not catch (e.g. end before start). */
export const invalid = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('validation', code, message, details);
/** The thing named does not exist. */
export const notFound = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('not_found', code, message, details);
/** The command does not fit the aggregate's current state (e.g. approving a draft). */
export const illegalState = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('illegal_state', code, message, details);
/** A business rule refuses the command (e.g. contact limit reached). */
export const refused = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('rule', code, message, details);
/** A refusal that is itself a fact worth keeping: the handler appends `recorded`, then refuses. */
export const refusedAndRecorded = (
  code: string,
  message: string,
  details: Record<string, unknown>,
  recorded: readonly { type: string; data: unknown }[],
) => new DomainError('rule', code, message, details, recorded);
/** The actor may not do this here (wrong unit or role). */
export const forbidden = (code: string, message: string, details?: Record<string, unknown>) =>
  new DomainError('forbidden', code, message, details);
