import { z } from 'zod';
import { CHANNELS, isCalendarDay, isTimeWithOffset, MONTH_PATTERN, RISK_LEVELS, ROLES, startOfBusinessDay, TIERS, toFen } from '@app/domain';

/** Building blocks of the request schemas; every object schema is strict (unknown fields refused). */
export const id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.:-]{0,63}$/, 'an id of 1–64 letters, digits, _ . : -');
export const text = (max = 500) => z.string().trim().min(1).max(max);
export const money = z
  .union([z.string().max(20), z.number()])
  .refine((v) => toFen(v) !== undefined, 'an amount in CNY with at most two decimals')
  .transform((v) => String(v));
/** A bank day or a date-time with its offset, passed on as written (the rules read a bare day in the bank's zone, e.g. a period's last day as inclusive). */
export const dayOrTime = z
  .string()
  .max(40)
  .refine((v) => isCalendarDay(v) || isTimeWithOffset(v), 'an ISO 8601 date, or a date-time with its offset (Z or ±hh:mm)');
/**
 * A moment: a date-time with its offset (Z or ±hh:mm), or a bank day (YYYY-MM-DD), which means
 * the start of that day in the bank's time zone. A date-time without an offset is refused rather
 * than read in whatever zone the server runs in. Always passed on as an ISO time in UTC.
 */
export const isoTime = dayOrTime.transform((v) => (isCalendarDay(v) ? startOfBusinessDay(v) : new Date(v).toISOString()));
/** A calendar day, YYYY-MM-DD, that exists. */
export const day = z.string().regex(/^\d{4}-\d{2}-\d{2}$/, 'a date as YYYY-MM-DD').refine(isCalendarDay, 'a date that exists');
/** An amount that is zero or more. */
export const nonNegativeMoney = money.refine((v) => !v.trim().startsWith('-'), 'an amount of zero or more');
export const month = z.string().regex(MONTH_PATTERN, 'a month as YYYY-MM');
export const channel = z.enum(CHANNELS);
export const riskLevel = z.enum(RISK_LEVELS);
export const tier = z.enum(TIERS);
export const role = z.enum(ROLES);
export const year = z.number().int().min(2000).max(2100);
/** The body of an action that takes no input: a body with fields is a mistake, refused. */
export const emptyBody = z.strictObject({});
/** Business time of the fact; defaults to now. Lets channels and imports record what happened earlier. */
export const occurredAt = { occurredAt: isoTime.optional() };

export const toOpenApi = (schema: z.ZodType) => z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'input' }) as Record<string, unknown>;
