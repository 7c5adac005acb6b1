import { z } from 'zod';
import { CHANNELS, RISK_LEVELS, ROLES, TIERS } from '../shared/types';
import { isCalendarDay, isTimeWithOffset, MONTH_PATTERN } from '../shared/time';

// The building blocks of the stored events' schemas: what a value in an event may be.

/** An id the product made or took from a request (1–400 characters, no control characters). */
export const id = z.string().min(1).max(400).regex(/^[^\u0000-\u001f\u007f]+$/, 'an id without control characters');
/** Money and other exact decimals, as the product writes them ("1234.50", "0.001", "-12.00"). */
export const decimal = z.string().regex(/^-?\d{1,15}(\.\d{1,6})?$/, 'a decimal number as a string, e.g. "1234.50"');
/** A moment: a date-time with its offset, or a bank day (as written, e.g. a period's bounds). */
export const time = z.string().refine((v) => isTimeWithOffset(v) || isCalendarDay(v), 'an ISO 8601 date-time with its offset, or a date YYYY-MM-DD');
export const month = z.string().regex(MONTH_PATTERN, 'a month as YYYY-MM');
export const year = z.number().int().min(1900).max(2200);
export const count = z.number().int().min(0);
export const points = z.number().int();
export const text = z.string().max(10_000);
export const channel = z.enum(CHANNELS);
export const tier = z.enum(TIERS);
export const riskLevel = z.enum(RISK_LEVELS);
export const role = z.enum(ROLES);
export const gender = z.enum(['F', 'M', 'U']);
export const group = z.enum(['treatment', 'control']);
export const drawnFrom = z.array(z.strictObject({ lotId: id, points: points }));
