import { context, propagation, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace, TraceFlags, type Attributes } from '@opentelemetry/api';
import type { AppConfig } from './config';
import type { Logger } from './logger';

/**
 * Trace context: a request's W3C `traceparent` (or its correlation id) goes into the metadata of
 * the events it causes, into the Kafka headers of the integration events the relay publishes, and
 * from a channel message's headers into the events the ingest appends.
 *
 * Spans are exported (OTLP over HTTP) only when OTEL_EXPORTER_OTLP_ENDPOINT is set; otherwise the
 * OpenTelemetry API stays a no-op and nothing is sent anywhere: a caller's traceparent is then
 * carried through as it came.
 */
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
/** Correlation ids kept from callers (they are stored in events and echoed in logs). */
export const CORRELATION_ID = /^[\w.:-]{1,100}$/;

/** A W3C traceparent (version 00) as given, or undefined for anything else (all-zero ids included). */
export function validTraceparent(value: string | undefined | null): string | undefined {
  const m = value ? TRACEPARENT.exec(value.trim()) : null;
  if (!m || /^0+$/.test(m[1]!) || /^0+$/.test(m[2]!)) return undefined;
  return value!.trim();
}

/** The trace id of a traceparent: a request without a correlation id of its own is correlated by its trace. */
export function traceIdOf(traceparent: string): string {
  return traceparent.split('-')[1]!;
}

/** The traceparent of the span in progress (when tracing is on), else the one given. */
export function currentTraceparent(fallback?: string): string | undefined {
  const span = trace.getActiveSpan();
  const ctx = span?.spanContext();
  if (!span || !ctx || !span.isRecording() || !trace.isSpanContextValid(ctx)) return fallback;
  return `00-${ctx.traceId}-${ctx.spanId}-${(ctx.traceFlags & TraceFlags.SAMPLED ? 1 : 0).toString(16).padStart(2, '0')}`;
}

/**
 * Runs `work` in a span named `name`, a child of `parent` (a traceparent from a header) when given,
 * else of the span in progress. A no-op without tracing.
 */
export function inSpan<T>(name: string, kind: 'server' | 'consumer' | 'internal', parent: string | undefined, attributes: Attributes, work: () => Promise<T>): Promise<T> {
  const parentContext = parent ? propagation.extract(ROOT_CONTEXT, { traceparent: parent }) : context.active();
  const spanKind = kind === 'server' ? SpanKind.SERVER : kind === 'consumer' ? SpanKind.CONSUMER : SpanKind.INTERNAL;
  return trace.getTracer('campaign-platform').startActiveSpan(name, { kind: spanKind, attributes }, parentContext, async (span) => {
    try {
      return await work();
    } catch (err) {
      span.setStatus({ code: SpanStatusCode.ERROR, message: String((err as Error)?.message ?? err) });
      throw err;
    } finally {
      span.end();
    }
  });
}

export interface Tracing {
  shutdown(): Promise<void>;
}

/**
 * With OTEL_EXPORTER_OTLP_ENDPOINT: a tracer provider exporting spans in batches to
 * `<endpoint>/v1/traces` (OTLP/HTTP, JSON), the W3C propagator and an AsyncLocalStorage context.
 * Without it: nothing is loaded or started.
 */
export function startTracing(config: Pick<AppConfig, 'otelEndpoint' | 'otelServiceName'>, app: string, log: Logger): Tracing | undefined {
  if (!config.otelEndpoint) return undefined;
  // Loaded only when asked for: a process without an endpoint does not even read the SDK.
  const { NodeTracerProvider, BatchSpanProcessor } = require('@opentelemetry/sdk-trace-node') as typeof import('@opentelemetry/sdk-trace-node');
  const { OTLPTraceExporter } = require('@opentelemetry/exporter-trace-otlp-http') as typeof import('@opentelemetry/exporter-trace-otlp-http');
  const { resourceFromAttributes } = require('@opentelemetry/resources') as typeof import('@opentelemetry/resources');
  const url = `${config.otelEndpoint.replace(/\/+$/, '')}/v1/traces`;
  const provider = new NodeTracerProvider({
    resource: resourceFromAttributes({ 'service.name': config.otelServiceName ?? `campaign-platform-${app}` }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url }))],
  });
  provider.register();
  log.info({ url }, 'OpenTelemetry: exporting traces');
  return {
    async shutdown() {
      await provider.shutdown().catch((err: unknown) => log.warn({ err: String(err) }, 'OpenTelemetry: flushing the last spans failed'));
      trace.disable();
      context.disable();
      propagation.disable();
    },
  };
}

/**
 * A server span for one HTTP request, child of the caller's traceparent when it sent one: `run`
 * calls the rest of the request's handling inside it, `end` names it by route pattern and status.
 */
export function serverSpan(method: string, traceparent: string | undefined): { run(next: () => void): void; end(route: string, status: number): void } {
  const parentContext = traceparent ? propagation.extract(ROOT_CONTEXT, { traceparent }) : context.active();
  const span = trace.getTracer('campaign-platform').startSpan(method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': method } }, parentContext);
  return {
    run: (next) => context.with(trace.setSpan(parentContext, span), next),
    end(route, status) {
      span.updateName(`${method} ${route}`);
      span.setAttributes({ 'http.route': route, 'http.response.status_code': status });
      if (status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    },
  };
}
