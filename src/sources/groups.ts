/**
 * Input groups: several sources, each with its own settings (format, time
 * zone, encoding, transforms, exclusions), read one group after another as
 * one Source, as readLogs() reads the files of one group one after another.
 * A group is opened only when the one before it has ended, so its files
 * (and its worker threads) are not held while it waits. Every group must
 * emit the same output (records, or the same encoding): the caller gives
 * all of them the same worker count.
 */
import { Readable } from 'node:stream';
import type { Source, SourceOutput } from './source.js';
import { sumInputStats, type InputStats, type InputTotals, type ReadLogsStats } from './log-files.js';
import { FtplogError } from '../errors.js';

/** The groups' sources as one, opened in turn by `open`. `output` is what every group's source emits. */
export function sourceGroups(open: readonly (() => Source)[], output: SourceOutput): Source {
  const opened: Source[] = [];
  let current: Source | undefined;
  let stopping = false;
  let warn: (m: string) => void = () => {};

  async function* chunks(): AsyncGenerator<unknown> {
    for (const next of open) {
      if (stopping) return;
      const s = next();
      if (s.output !== output) throw new FtplogError('ERR_INTERNAL', `an input group emits ${s.output}, not ${output}`);
      opened.push(s);
      current = s;
      s.on('warning', (m: string) => warn(m));
      if (stopping) s.stop();
      yield* s;
    }
  }

  const stats: ReadLogsStats = {
    get inputs(): InputStats[] {
      return opened.flatMap((s) => s.stats.inputs);
    },
  };
  const out = Readable.from(chunks(), { objectMode: true, highWaterMark: 16 });
  out.on('newListener', (event: string) => {
    if (event === 'warning') warn = (m) => out.emit('warning', m);
  });
  return Object.assign(out, {
    output,
    stats,
    totals(): InputTotals {
      // Each source's own totals take its current input's counts as they stand.
      const parts = opened.map((s) => s.totals());
      const sum = sumInputStats([]);
      for (const t of parts) for (const k of Object.keys(sum) as (keyof InputTotals)[]) sum[k] += t[k];
      return sum;
    },
    stop(): void {
      stopping = true;
      current?.stop();
    },
    release(chunk: unknown): void {
      for (const s of opened) s.release(chunk);
    },
  }) as unknown as Source;
}
