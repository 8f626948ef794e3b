/**
 * Files a follow run could not open, by path. On Windows a file another
 * process holds without sharing it (a sharing violation, EBUSY) cannot be
 * opened until that process lets go, which may take hours; the scan tries
 * again every few hundred milliseconds, and a warning at each try would
 * fill the service's log. So a failure is told once per path and reason,
 * and told again only when the reason changes or after the file was opened.
 * Bounded: only paths the patterns list now are kept.
 */
export class OpenFailures {
  private readonly byPath = new Map<string, string>();

  /** Opening `path` failed for `reason`: true when that is news (the first time, or another reason). */
  failed(path: string, reason: string): boolean {
    if (this.byPath.get(path) === reason) return false;
    this.byPath.set(path, reason);
    return true;
  }

  /** `path` was opened: true when it had failed before. */
  opened(path: string): boolean {
    return this.byPath.delete(path);
  }

  /** Forgets the paths the last scan did not list. */
  keepOnly(listed: ReadonlySet<string>): void {
    for (const path of [...this.byPath.keys()]) if (!listed.has(path)) this.byPath.delete(path);
  }

  /** How many paths are failing now. */
  get size(): number {
    return this.byPath.size;
  }
}
