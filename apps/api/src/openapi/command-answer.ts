import { ApiCreatedResponse } from '@nestjs/swagger';
import { z } from 'zod';

/**
 * What every command answers (http/command-result.ts, `Commands.send`): the stream it wrote to, its
 * new revision and the global position to read one's own write at. One schema for every command
 * operation's success answer (`@Answer(commandAnswer, COMMAND_RESULT_EXAMPLE)`), whichever slice.
 */
export const commandAnswer = z.object({
  id: z.string().describe('the id the command is about (customer, campaign, staff member…)'),
  streamId: z.string(),
  revision: z.number().int().describe('the stream\'s revision after the command'),
  position: z.string().nullable().describe('"<commit>/<prepare>": pass as `minPosition` to read your own write; null when nothing was appended'),
  events: z.array(z.string()).describe('the types of the events appended, in order'),
});

/**
 * A command operation answering 201 (a POST without `@HttpCode(200)`): its schema under 201, as `@Answer`
 * (answers.ts, which imports this file: hence no import back) puts it under 200.
 */
export function CreatedAnswer(schema: z.ZodType, example?: unknown, description = 'created: the command\'s answer'): MethodDecorator {
  return ApiCreatedResponse({ description, content: { 'application/json': { schema: z.toJSONSchema(schema, { target: 'openapi-3.0', io: 'output', unrepresentable: 'any' }) as Record<string, unknown>, ...(example !== undefined ? { example } : {}) } } });
}
