/**
 * One shape for what every component did, as log shippers report it per
 * component: what it received, what it emitted, what it dropped (by reason)
 * and how many errors it met. Each component keeps its own detailed counters;
 * these functions read them into the common shape, in which nothing may
 * disappear: received = emitted + every dropped count (checkStats()).
 * Pure.
 */
import type { ParseStats } from './formats/line-parser.js';
import type { EnrichStats } from './enrich/enrich.js';
import type { TransformStats } from './records/transforms.js';
import type { LogRecordsStats } from './records/pipeline.js';
import type { OtlpSinkStats } from './sinks/otlp/sink.js';

export interface ComponentStats {
  readonly component: string;
  received: number;
  emitted: number;
  /** Items not passed on, by reason; each is counted, none is silent. */
  dropped: Record<string, number>;
  /** Items that were bad but are passed on as such (parse errors), or failures met. */
  errors: number;
}

function sum(d: Readonly<Record<string, number>>): number {
  let n = 0;
  for (const v of Object.values(d)) n += v;
  return n;
}

/** The parser: lines in, parsed lines (entries and parse errors) out; blank and header lines dropped. */
export function parseComponent(s: ParseStats): ComponentStats {
  return {
    component: 'parse',
    received: s.lines,
    emitted: s.entries + s.errors,
    dropped: { blank: s.skippedBlank, header: s.skippedHeader },
    errors: s.errors,
  };
}

/** The enricher: parsed lines in, records out; parse errors become records too. */
export function enrichComponent(s: EnrichStats): ComponentStats {
  return { component: 'enrich', received: s.records, emitted: s.records, dropped: {}, errors: s.parseErrors };
}

/** The record transforms: records in, records out, drops by reason. */
export function transformComponent(s: TransformStats, received: number): ComponentStats {
  const dropped = { ...s.dropped };
  return { component: 'transforms', received, emitted: received - sum(dropped), dropped, errors: 0 };
}

/** The record pipeline of one reader (logRecords(), a worker's job): its three components in order. */
export function pipelineComponents(s: LogRecordsStats): ComponentStats[] {
  return [parseComponent(s.parse), enrichComponent(s.enrich), transformComponent(s.transform, s.enrich.records)];
}

/**
 * The OTLP sink: records in, accepted records out; what the collector
 * rejected, what went to the dead-letter file, what was not delivered and
 * what is still queued, by those reasons; errors are the failed requests
 * that were retried.
 */
export function sinkComponent(s: OtlpSinkStats): ComponentStats {
  return {
    component: 'otlp',
    received: s.received,
    emitted: s.accepted,
    dropped: { rejected: s.rejected, dead_lettered: s.deadLettered, not_delivered: s.undelivered, queued: s.queuedRecords },
    errors: s.retries,
  };
}

/** The items a component lost without a counter saying why (0 when none: received = emitted + dropped). */
export function unaccounted(c: ComponentStats): number {
  return c.received - c.emitted - sum(c.dropped);
}
