/**
 * Worker thread entry: takes blocks, answers with their results (see job.ts).
 * workerData holds the JobSettings and the time zone. A block that fails
 * answers with the error's message and code instead of a result.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { runJob, transferList, type Job, type JobSettings } from './job.js';
import { createEnricher } from '../enrich/enrich.js';

export interface WorkerData {
  settings: JobSettings;
  timezone: string | undefined;
}

export type WorkerReply =
  | { ok: true; result: ReturnType<typeof runJob> }
  | { ok: false; seq: number; message: string; code: string | undefined };

const data = workerData as WorkerData;
const enrich = createEnricher(data.timezone !== undefined ? { timezone: data.timezone } : {});
const port = parentPort!;

port.on('message', (job: Job) => {
  let reply: WorkerReply;
  try {
    const result = runJob(job, data.settings, enrich);
    reply = { ok: true, result };
    port.postMessage(reply, transferList(result));
    return;
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    reply = { ok: false, seq: job.seq, message: e instanceof Error ? e.message : String(err), code: typeof e?.code === 'string' ? e.code : undefined };
  }
  port.postMessage(reply);
});
