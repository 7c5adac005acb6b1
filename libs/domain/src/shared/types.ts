/** Words of the domain shared by several slices. */
export const CHANNELS = ['phone', 'sms', 'app', 'branch', 'email'] as const;
export type Channel = (typeof CHANNELS)[number];

export const RISK_LEVELS = ['R1', 'R2', 'R3', 'R4', 'R5'] as const;
export type RiskLevel = (typeof RISK_LEVELS)[number];
export const riskRank = (level: RiskLevel): number => RISK_LEVELS.indexOf(level) + 1;

export const TIERS = ['ordinary', 'standard', 'platinum', 'black'] as const;
export type Tier = (typeof TIERS)[number];
export const tierRank = (tier: Tier): number => TIERS.indexOf(tier);

export const ROLES = ['marketer', 'approver', 'relationship_manager', 'branch_head', 'analyst', 'admin'] as const;
export type Role = (typeof ROLES)[number];

/** Who issues a command, as the organisation knows them. */
export interface Actor {
  readonly userId: string;
  readonly unitId: string;
  readonly role: Role;
}

/** What every command carries besides its own fields: when and by whom. */
export interface Issued {
  /** Business time of the command (ISO 8601). */
  readonly at: string;
  readonly by: Actor;
  /** When it is recorded (ISO 8601), how far back staff may date it, an admin's correction reason (periods/business-time.ts). */
  readonly recordedAt?: string;
  readonly graceDays?: number;
  readonly correction?: string;
}
