/** What a demo seed is asked for, what it reports while it runs, and what it reports at the end. */

export interface SeedOptions {
  readonly customers: number;
  readonly months: number;
  readonly seed: number;
  /** The month the history runs up to (exclusive), YYYY-MM; default the current month. */
  readonly end?: string;
  /** Customer events per append (default 4000). */
  readonly batchSize?: number;
  readonly signal?: AbortSignal;
}

export interface SeedProgress {
  readonly phase: string;
  /** Customer-months done of `total` (customers × months, plus onboarding). */
  readonly done: number;
  readonly total: number;
  readonly events: number;
}

export interface SeedReport {
  readonly customers: number;
  readonly months: number;
  readonly from: string;
  readonly to: string;
  readonly events: number;
  readonly seconds: number;
  readonly eventsPerSecond: number;
  /** Customers at standard tier or above, and their share of financial assets, at the end. */
  readonly vip: { readonly customers: number; readonly share: number; readonly assetShare: number };
  readonly campaigns: readonly { campaignId: string; name: string; status: string; enrolled: number }[];
  /** Commands the rules refused, by code (unsuitable offers, contact limits…): the rules at work. */
  readonly refusals: Record<string, number>;
}
