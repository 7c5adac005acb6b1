import pino from 'pino';
import pretty from 'pino-pretty';
import { Writable } from 'node:stream';
import type { LoggerService } from '@nestjs/common';

/** Structured JSON logs on stdout, one object per line; short pretty lines when stdout is a terminal. */
export type Logger = pino.Logger;

/** A person at a terminal reads short lines (time, level, message, fields); pipes and files get JSON. */
export function prettyLines(destination: NodeJS.WritableStream | pino.DestinationStream = process.stdout, colorize = true): pino.DestinationStream {
  // pino-pretty pipes into a real stream; a bare `{ write }` (as tests pass) is wrapped in one.
  const sink = 'on' in destination ? (destination as NodeJS.WritableStream) : new Writable({ write: (chunk, _enc, done) => (destination.write(String(chunk)), done()) });
  return pretty({ destination: sink, colorize, singleLine: true, translateTime: 'SYS:HH:MM:ss', ignore: 'pid,hostname,service', sync: true });
}

export function createLogger(level: string, destination?: pino.DestinationStream, options: { tty?: boolean } = {}): Logger {
  const tty = options.tty ?? (destination === undefined && process.stdout.isTTY === true);
  const out = tty ? prettyLines(destination ?? process.stdout, destination === undefined) : destination;
  return pino(
    {
      level,
      base: { service: 'campaign-platform' },
      timestamp: pino.stdTimeFunctions.isoTime,
      formatters: { level: (label) => ({ level: label }) },
      redact: { paths: ['*.password', '*.authorization', 'req.headers.authorization'], censor: '[redacted]' },
    },
    out,
  );
}

/** Lets NestJS log through the same JSON logger. */
export class NestPinoLogger implements LoggerService {
  constructor(private readonly logger: Logger) {}
  log(message: unknown, context?: string) {
    this.logger.info({ context }, String(message));
  }
  error(message: unknown, trace?: string, context?: string) {
    this.logger.error({ context, trace }, String(message));
  }
  warn(message: unknown, context?: string) {
    this.logger.warn({ context }, String(message));
  }
  debug(message: unknown, context?: string) {
    this.logger.debug({ context }, String(message));
  }
  verbose(message: unknown, context?: string) {
    this.logger.trace({ context }, String(message));
  }
}
