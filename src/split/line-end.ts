/**
 * Which byte ends an input's lines: LF (with CRLF handled as LF), or a lone
 * CR (old Mac line ends). Decided on the input's first LINE_END_PROBE_BYTES
 * bytes, so the answer does not depend on how the input is chunked: LF when
 * they hold an LF, CR when they hold a CR but no LF, LF otherwise.
 *
 * A price of deciding on a window: lines of an input with a CR but no LF
 * wait until 64 KiB have come or the input has ended (a live CR-only stream
 * is held that long at its start); an input with an LF early is not held.
 *
 * Pure: both line cutters (split/line-cutter.ts, parallel/blocks.ts) ask it,
 * so the main thread and the worker threads cut an input the same way.
 */
export type LineEnd = 'lf' | 'cr';

/** Bytes at the start of an input that decide its line end (one block, one read). */
export const LINE_END_PROBE_BYTES = 64 * 1024;

const LF = 0x0a;
const CR = 0x0d;

export interface ProbeStep {
  /** The decision, once made (it then holds for the whole input). */
  lineEnd: LineEnd | undefined;
  /**
   * While undecided: how many of the chunk's first bytes come before the
   * input's first CR. They hold no CR or LF, so they belong to the first
   * line whatever the decision; the rest must wait for it.
   */
  clear: number;
}

export class LineEndProbe {
  private seen = 0;
  private sawCr = false;
  private decided: LineEnd | undefined;

  get lineEnd(): LineEnd | undefined {
    return this.decided;
  }

  /** Looks at the input's next chunk. */
  scan(chunk: Uint8Array): ProbeStep {
    if (this.decided !== undefined) return { lineEnd: this.decided, clear: chunk.length };
    const look = Math.min(chunk.length, LINE_END_PROBE_BYTES - this.seen);
    const window = look === chunk.length ? chunk : chunk.subarray(0, look);
    if (window.indexOf(LF) >= 0) return this.decide('lf', chunk.length);
    let clear = chunk.length;
    if (!this.sawCr) {
      const cr = window.indexOf(CR);
      if (cr >= 0) {
        this.sawCr = true;
        clear = cr;
      }
    } else {
      clear = 0;
    }
    this.seen += look;
    if (this.seen >= LINE_END_PROBE_BYTES) return this.decide(this.sawCr ? 'cr' : 'lf', chunk.length);
    return { lineEnd: undefined, clear };
  }

  /** The input ended before the probe was decided: decides on what it saw. */
  finish(): LineEnd {
    return this.decided ?? this.decide(this.sawCr ? 'cr' : 'lf', 0).lineEnd!;
  }

  private decide(lineEnd: LineEnd, clear: number): ProbeStep {
    this.decided = lineEnd;
    return { lineEnd, clear };
  }
}
