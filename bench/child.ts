/**
 * Entry point of a scenario child process:
 *
 *   node dist/bench/child.js <scenario> --file FILE --format eft|ncftpd [--url URL]
 *
 * Runs the scenario once and prints its ChildReport as one JSON line.
 */
import { cutSplit, cutSplitStringify, rawCut, sdkBatch, sdkExporterDirect, sdkSerialize } from './baselines.js';
import { measure, type Counts, type Format, type MeasureContext } from './harness.js';
import { runEncodeProtobuf, runParseEnrich, runShipGzip, runShipProtobuf, runShipProtobufOneThread } from './scenarios.js';
import { keepSemiSpaceFlagToMainThread } from '../src/cli/heap.js';

// As the executable does: project scenarios run under its `#!` flags.
keepSemiSpaceFlagToMainThread();

interface ChildArgs {
  file: string;
  format: Format;
  url: string | undefined;
}

type Runner = (a: ChildArgs, ctx: MeasureContext) => Promise<Counts>;

function needUrl(a: ChildArgs): string {
  if (a.url === undefined) throw new Error('--url is required for this scenario');
  return a.url;
}

const CHILD_SCENARIOS: Record<string, Runner> = {
  'raw-cut': (a) => rawCut(a.file),
  'cut-split': (a) => cutSplit(a.file, a.format),
  'cut-split-stringify': (a) => cutSplitStringify(a.file, a.format),
  'sdk-batch': (a, ctx) => sdkBatch(a.file, a.format, needUrl(a), { paced: true }, ctx),
  'sdk-batch-unpaced': (a, ctx) => sdkBatch(a.file, a.format, needUrl(a), { paced: false }, ctx),
  'sdk-exporter-direct': (a, ctx) => sdkExporterDirect(a.file, a.format, needUrl(a), ctx),
  'sdk-serialize': (a, ctx) => sdkSerialize(a.file, a.format, ctx),
  'parse-enrich': (a, ctx) => runParseEnrich(a.file, a.format, ctx),
  'encode-protobuf': (a, ctx) => runEncodeProtobuf(a.file, a.format, ctx),
  'ship-protobuf': (a, ctx) => runShipProtobuf(a.file, a.format, needUrl(a), ctx),
  'ship-gzip': (a, ctx) => runShipGzip(a.file, a.format, needUrl(a), ctx),
  'ship-protobuf-1thread': (a, ctx) => runShipProtobufOneThread(a.file, a.format, needUrl(a), ctx),
};

function parse(argv: string[]): { scenario: string; args: ChildArgs } {
  const [scenario, ...rest] = argv;
  if (scenario === undefined || CHILD_SCENARIOS[scenario] === undefined) {
    throw new Error(`unknown scenario ${JSON.stringify(scenario)}; one of ${Object.keys(CHILD_SCENARIOS).join(', ')}`);
  }
  let file: string | undefined;
  let format: Format | undefined;
  let url: string | undefined;
  for (let i = 0; i < rest.length; i += 2) {
    const value = rest[i + 1];
    if (value === undefined) throw new Error(`${rest[i]}: missing value`);
    if (rest[i] === '--file') file = value;
    else if (rest[i] === '--format' && (value === 'eft' || value === 'ncftpd' || value === 'xferlog' || value === 'vsftpd')) format = value;
    else if (rest[i] === '--url') url = value;
    else throw new Error(`unexpected argument ${rest[i]} ${value}`);
  }
  if (file === undefined || format === undefined) throw new Error('--file and --format are required');
  return { scenario, args: { file, format, url } };
}

const { scenario, args } = parse(process.argv.slice(2));
await measure((ctx) => CHILD_SCENARIOS[scenario]!(args, ctx));
