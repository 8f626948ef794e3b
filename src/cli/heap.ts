/**
 * The executable's `#!` line passes `--max-semi-space-size=8` for the main
 * thread: from stdin, or with `--workers 0`, every record is built and
 * encoded there, and V8's default young generation (16 MB semi-spaces) put
 * `ship` of a 1 GiB NcFTPd log at 174 MB peak RSS; 137 MB with 8.
 *
 * V8 applies that flag to every isolate created while it is set, over a
 * worker's `resourceLimits` (4 MB young generation): with it, worker threads
 * grew 8 MB semi-spaces and `ship` of the same log peaked at 163 MB instead
 * of 138. The flag is read when an isolate sets up its heap, so clearing it
 * once the main thread runs keeps it to the main thread.
 */
import { setFlagsFromString } from 'node:v8';

export function keepSemiSpaceFlagToMainThread(): void {
  setFlagsFromString('--max-semi-space-size=0');
}
