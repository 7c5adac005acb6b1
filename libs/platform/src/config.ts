import { z } from 'zod';
// Not exported from the package root; the package has no export map, so its own parser is reachable here.
import { parseConnectionString } from '@eventstore/db-client/dist/Client/parseConnectionString';
import { checkTimeZone, DEFAULT_BANK_TIME_ZONE } from '@app/domain';
import { parseServerSettings } from './embedded-postgres';

/**
 * The whole configuration, read once from the environment at start-up and validated.
 * Nothing else in the code reads process.env: this object is passed down instead.
 */
const port = z.coerce.number().int().min(1).max(65535);
const postgresUrl = z
  .string()
  .refine((v) => /^postgres(ql)?:\/\/[^\s]+$/.test(v) && URL.canParse(v), 'must be a postgres:// URL');
const esdbUrl = z.string().superRefine((v, ctx) => {
  const problem = esdbConnectionProblem(v);
  if (problem) ctx.addIssue({ code: 'custom', message: problem });
});
const flag = z.enum(['true', 'false', '1', '0']).transform((v) => v === 'true' || v === '1');

const schema = z.object({
  PORT: port.default(3000),
  HOST: z.string().regex(/^[\w.:-]+$/, 'must be a host name or address').default('127.0.0.1'),
  TRUST_PROXY: z.coerce.number().int().min(0).max(10).default(0),
  DATABASE_URL: postgresUrl.optional(),
  EVENTSTORE_URL: esdbUrl.optional(),
  DATA_DIR: z.string().min(1).default('./.data'),
  EMBEDDED_PG_PORT: port.optional(),
  EMBEDDED_PG_SETTINGS: z
    .string()
    .transform((v, ctx) => {
      try {
        return parseServerSettings(v);
      } catch (err) {
        ctx.addIssue({ code: 'custom', message: `must be name=value pairs separated by commas or white space (${(err as Error).message})` });
        return z.NEVER;
      }
    })
    .optional(),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s,]+:\d+(,[^\s,]+:\d+)*$/, 'must be host:port[,host:port…]')
    .optional(),
  KAFKA_TOPIC_PARTITIONS: z.coerce.number().int().min(1).max(10_000).default(6),
  KAFKA_REPLICATION_FACTOR: z.coerce.number().int().min(1).max(10).default(1),
  RUN_PROJECTOR: flag.default(true),
  PII_MASTER_KEY: z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length === 32, 'must be 32 bytes, base64-encoded')
    .optional(),
  JWT_SECRET: z
    .string()
    .refine((v) => /^[A-Za-z0-9+/]+={0,2}$/.test(v) && Buffer.from(v, 'base64').length >= 32, 'must be at least 32 bytes, base64-encoded')
    .optional(),
  TOKEN_TTL_HOURS: z.coerce.number().min(0.01).max(24 * 30).default(8),
  RATE_LIMIT_PER_MINUTE: z.coerce.number().int().min(1).max(1_000_000).default(1200),
  BACKDATE_GRACE_DAYS: z.coerce.number().min(0).max(36_600).default(3),
  INGEST_MAX_DELIVERY_DELAY_HOURS: z.coerce.number().min(0).max(24 * 366).default(24),
  PLAN_DOCUMENT_MAX_BYTES: z.coerce.number().int().min(1024).max(100 * 1024 * 1024).default(10 * 1024 * 1024),
  SEED_DEMO: flag.default(true),
  SEED_DEMO_CUSTOMERS: z.coerce.number().int().min(1).max(1_000_000).default(2000),
  SEED_DEMO_MONTHS: z.coerce.number().int().min(1).max(60).default(6),
  PROJECTOR_BATCH_SIZE: z.coerce.number().int().min(1).max(10_000).default(500),
  PROJECTOR_MAX_WAIT_MS: z.coerce.number().int().min(0).max(10_000).default(20),
  PROJECTOR_CATCH_UP_BATCH_SIZE: z.coerce.number().int().min(1).max(100_000).optional(),
  PROJECTOR_BATCHES_IN_FLIGHT: z.coerce.number().int().min(1).max(8).default(1),
  BANK_TIME_ZONE: z
    .string()
    .refine((v) => {
      try {
        return checkTimeZone(v) !== '';
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Shanghai')
    .default(DEFAULT_BANK_TIME_ZONE),
  AUTH_MAX_FAILED_SIGN_INS: z.coerce.number().int().min(1).max(100).default(5),
  AUTH_LOCKOUT_MINUTES: z.coerce.number().min(1).max(7 * 24 * 60).default(15),
  /**
   * Failed sign-ins one client address (an IPv6 one by its /64) may make per AUTH_LOCKOUT_MINUTES,
   * across accounts, before it is refused (429) for every account that has not signed in from it.
   */
  AUTH_MAX_FAILED_SIGN_INS_PER_ADDRESS: z.coerce.number().int().min(1).max(10_000).default(100),
  OIDC_ISSUER: z.string().refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL').optional(),
  OIDC_CLIENT_ID: z.string().min(1).max(500).optional(),
  OIDC_CLIENT_SECRET: z.string().min(1).max(500).optional(),
  OIDC_REDIRECT_URI: z.string().refine((v) => URL.canParse(v) && /^https?:$/.test(new URL(v).protocol), 'must be an http(s) URL').optional(),
  OIDC_STAFF_ID_CLAIM: z.string().regex(/^[\w.:-]+$/, 'must be a claim name').default('sub'),
  METRICS_PORT: port.optional(),
  READY_MAX_LAG_SECONDS: z.coerce.number().min(0).max(86_400 * 365).optional(),
  OTEL_EXPORTER_OTLP_ENDPOINT: z.url({ protocol: /^https?$/ }).optional(),
  OTEL_SERVICE_NAME: z.string().regex(/^[\w.-]{1,100}$/, 'must be a service name (letters, digits, . _ -)').optional(),
  /** How long one statement of a read-model answer may run before it is cancelled (503 READ_TIMEOUT). */
  READ_STATEMENT_TIMEOUT_MS: z.coerce.number().int().min(50).max(600_000).default(15_000),
});

export interface AppConfig {
  readonly port: number;
  /** Address the HTTP server binds (0.0.0.0 inside containers). */
  readonly host: string;
  /** Proxies in front of the api (a TLS-terminating ingress: 1) whose X-Forwarded-* headers are believed: the client's address, and HTTPS for Secure cookies. */
  readonly trustProxy: number;
  /** Postgres to use; absent means "start the embedded one". */
  readonly databaseUrl?: string;
  /** EventStoreDB connection string; when set the event store lives there. */
  readonly eventStoreUrl?: string;
  readonly dataDir: string;
  readonly embeddedPgPort?: number;
  /** Server settings for the embedded PostgreSQL, over its defaults (`EMBEDDED_PG_SETTINGS`). */
  readonly embeddedPgSettings?: Readonly<Record<string, string>>;
  readonly logLevel: 'fatal' | 'error' | 'warn' | 'info' | 'debug' | 'trace' | 'silent';
  readonly kafkaBrokers?: readonly string[];
  /** Topics the Kafka bus creates: partitions (a customer's messages stay on one) and copies of each. */
  readonly kafkaTopics: { readonly partitions: number; readonly replicationFactor: number };
  /** Run the projector inside this process (the embedded default); off when it runs on its own. */
  readonly runProjector: boolean;
  /** Wraps each customer's personal-data key (base64, 32 bytes); generated under DATA_DIR when absent. */
  readonly piiMasterKey?: string;
  /** Signs API bearer tokens (HS256; base64, ≥ 32 bytes); generated under DATA_DIR when absent. */
  readonly jwtSecret?: string;
  /** How long a token minted by `campaignctl token` stays valid. */
  readonly tokenTtlHours: number;
  /** Requests per minute per token (per address without one) on /api. */
  readonly rateLimitPerMinute: number;
  /** How far staff may date a fact (occurredAt) before the time they record it, in days. */
  readonly backdateGraceDays: number;
  /** How far back the channel ingest trusts the bus's time of a message (hours; INGEST_MAX_DELIVERY_DELAY_HOURS). */
  readonly ingestMaxDeliveryDelayHours: number;
  /** The largest campaign plan document an upload may carry, in bytes (413 DOCUMENT_TOO_LARGE over it). */
  readonly planDocumentMaxBytes: number;
  /** `npm start` on an empty store writes a demo history (in the background) of this size. */
  readonly seedDemo: { readonly enabled: boolean; readonly customers: number; readonly months: number };
  /** Events per projector transaction, and how long a batch waits to fill (ms). */
  readonly projectorBatchSize: number;
  readonly projectorMaxWaitMs: number;
  /** Events per projector transaction once a batch has filled up (a rebuild, a projector far behind). */
  readonly projectorCatchUpBatchSize: number;
  /** Batches the projector has in flight at once (1: every projection finishes a batch before any starts the next; more: one done goes on while a slower one finishes). */
  readonly projectorBatchesInFlight: number;
  /** Where the bank's business days, months and years are cut (IANA name). */
  readonly bankTimeZone: string;
  /** Staff sign-in: wrong passwords in a row before the account locks, and for how long. */
  readonly auth: { readonly maxFailedSignIns: number; readonly lockoutMinutes: number; readonly maxFailedSignInsPerAddress: number };
  /** When set, staff sign in through the bank's OpenID Connect provider instead of a password here. */
  readonly oidc?: { readonly issuer: string; readonly clientId: string; readonly clientSecret?: string; readonly redirectUri: string; readonly staffIdClaim: string };
  /** Serve /metrics (and /health, /health/ready) on this port apart from the API; the projector and ingest serve them only here. */
  readonly metricsPort?: number;
  /** An api replica is unready while a projection has left an event unapplied for longer than this. */
  readonly readyMaxLagSeconds?: number;
  /** OpenTelemetry traces go to this OTLP/HTTP endpoint; nothing is exported without it. */
  readonly otelEndpoint?: string;
  readonly otelServiceName?: string;
  /** A read-model answer's statement running longer than this is cancelled: 503 READ_TIMEOUT, not a connection held for minutes. */
  readonly readStatementTimeoutMs: number;
}

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

/** Every environment variable the apps read; deploy files are checked against this list. */
export const CONFIG_VARIABLES = Object.keys(schema.shape) as readonly string[];

export function loadConfig(env: NodeJS.ProcessEnv = process.env): AppConfig {
  const present = Object.fromEntries(
    CONFIG_VARIABLES.filter((k) => env[k] !== undefined && env[k] !== '').map((k) => [k, env[k]]),
  );
  const parsed = schema.safeParse(present);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const name = String(issue.path[0] ?? 'environment');
    const shown = env[name] === undefined ? '' : ` (got ${JSON.stringify(redact(name, env[name]!))})`;
    throw new ConfigError(`Invalid configuration: ${name} ${issue.message}${shown}`);
  }
  const c = parsed.data;
  return {
    port: c.PORT,
    host: c.HOST,
    trustProxy: c.TRUST_PROXY,
    databaseUrl: c.DATABASE_URL,
    eventStoreUrl: c.EVENTSTORE_URL,
    dataDir: c.DATA_DIR,
    embeddedPgPort: c.EMBEDDED_PG_PORT,
    embeddedPgSettings: c.EMBEDDED_PG_SETTINGS,
    logLevel: c.LOG_LEVEL,
    kafkaBrokers: c.KAFKA_BROKERS?.split(','),
    kafkaTopics: { partitions: c.KAFKA_TOPIC_PARTITIONS, replicationFactor: c.KAFKA_REPLICATION_FACTOR },
    runProjector: c.RUN_PROJECTOR,
    piiMasterKey: c.PII_MASTER_KEY,
    jwtSecret: c.JWT_SECRET,
    seedDemo: { enabled: c.SEED_DEMO, customers: c.SEED_DEMO_CUSTOMERS, months: c.SEED_DEMO_MONTHS },
    tokenTtlHours: c.TOKEN_TTL_HOURS,
    rateLimitPerMinute: c.RATE_LIMIT_PER_MINUTE,
    backdateGraceDays: c.BACKDATE_GRACE_DAYS,
    ingestMaxDeliveryDelayHours: c.INGEST_MAX_DELIVERY_DELAY_HOURS,
    planDocumentMaxBytes: c.PLAN_DOCUMENT_MAX_BYTES,
    projectorBatchSize: c.PROJECTOR_BATCH_SIZE,
    projectorMaxWaitMs: c.PROJECTOR_MAX_WAIT_MS,
    // Unset: 20 batches' worth, at most 10,000 events (a test's small PROJECTOR_BATCH_SIZE keeps small catch-up batches).
    projectorCatchUpBatchSize: c.PROJECTOR_CATCH_UP_BATCH_SIZE ?? Math.min(20 * c.PROJECTOR_BATCH_SIZE, 10_000),
    projectorBatchesInFlight: c.PROJECTOR_BATCHES_IN_FLIGHT,
    bankTimeZone: c.BANK_TIME_ZONE,
    auth: { maxFailedSignIns: c.AUTH_MAX_FAILED_SIGN_INS, lockoutMinutes: c.AUTH_LOCKOUT_MINUTES, maxFailedSignInsPerAddress: c.AUTH_MAX_FAILED_SIGN_INS_PER_ADDRESS },
    oidc: c.OIDC_ISSUER
      ? {
          issuer: c.OIDC_ISSUER,
          clientId: required(c.OIDC_CLIENT_ID, 'OIDC_CLIENT_ID'),
          clientSecret: c.OIDC_CLIENT_SECRET,
          redirectUri: c.OIDC_REDIRECT_URI ?? `http://${c.HOST === '0.0.0.0' ? 'localhost' : c.HOST}:${c.PORT}/api/auth/oidc/callback`,
          staffIdClaim: c.OIDC_STAFF_ID_CLAIM,
        }
      : undefined,
    metricsPort: c.METRICS_PORT,
    readyMaxLagSeconds: c.READY_MAX_LAG_SECONDS,
    otelEndpoint: c.OTEL_EXPORTER_OTLP_ENDPOINT,
    otelServiceName: c.OTEL_SERVICE_NAME,
    readStatementTimeoutMs: c.READ_STATEMENT_TIMEOUT_MS,
  };
}

function required(value: string | undefined, name: string): string {
  if (value === undefined) throw new ConfigError(`Invalid configuration: ${name} is required when OIDC_ISSUER is set`);
  return value;
}

/**
 * Why `@eventstore/db-client` 6.2.1 cannot use this connection string, or null when it can: its
 * own parser decides. It knows only `esdb://` and `esdb+discover://` (the `kurrentdb://` and
 * `kdb://` schemes came with later clients), and it would ignore an option it does not know,
 * with a warning: a misspelt `tls=false` would quietly connect with TLS, so that is refused too.
 */
export function esdbConnectionProblem(value: string): string | null {
  if (!/^esdb(\+discover)?:\/\//.test(value)) {
    return 'must be an esdb:// or esdb+discover:// connection string (kurrentdb:// and kdb:// need a newer client than @eventstore/db-client 6.2.1)';
  }
  let parsed: ReturnType<typeof parseConnectionString>;
  const warn = console.warn;
  console.warn = () => undefined; // the parser warns about unknown options; they are refused below
  try {
    parsed = parseConnectionString(value);
  } catch (err) {
    const password = /\/\/[^:@/]+:([^@/]+)@/.exec(value)?.[1];
    const message = String((err as Error).message);
    return `is not a connection string the EventStoreDB client can read: ${password ? message.split(password).join('***') : message}`;
  } finally {
    console.warn = warn;
  }
  const flat = (k: string) => k.toLowerCase().replace(/[_-]/g, '');
  const known = Object.keys(parsed).map(flat);
  const unknown = [...value.matchAll(/[?&]([^=&?]+)=/g)].map((m) => m[1]!).find((k) => !known.includes(flat(k)));
  if (unknown) return `has an unknown option "${unknown}" (the EventStoreDB client would ignore it)`;
  if (parsed.throwOnAppendFailure === false) return 'must not set throwOnAppendFailure=false: the event store relies on the client throwing on a conflict';
  return null;
}

/** Connection strings may carry passwords: never echo them back. */
function redact(name: string, value: string): string {
  if (/(KEY|SECRET)$/.test(name)) return '***';
  if (!/URL$/.test(name)) return value;
  return value.replace(/\/\/([^:@/]+):([^@/]+)@/, '//$1:***@');
}
