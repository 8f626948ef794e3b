/** Generated log inputs for the worker-thread tests: every shape the cutter and parsers must agree on. */
import assert from 'node:assert/strict';
import { Buffer } from 'node:buffer';
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { eftLines } from '../helpers/lines.js';
import { BlockCutter, type Block } from '../../src/parallel/blocks.js';

export const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/** Lines of maxLineBytes 256 in these inputs are over-long. */
export const MAX_LINE_BYTES = 256;

export const NCFTPD_LINES = [
  '2010-01-11 15:42:17 #u5     | C,/home/sshaw/cti/web/trunk/public/js/large-sprite.gif,644,,,cti-www,,24.216.233.19,S0u3WAAFv94A,',
  '2010-01-11 12:47:44 #u2     | D,/home/sshaw/.cshrc,,,,opc,,16.14.22.99,S0uObwACwXoA,',
  '2011-02-06 10:16:08 #u4     | R,/home/sshaw/ruby-1.8.7-p302/misc/ruby-mode.el,41,0.007,5.856,sshaw,,168.161.192.16,,OK,I,Po,1294215368,TSQoxwAEEbkA,41,0,',
  '1996-08-26 00:22:11 #u2 | R,/home/ftp/pub/big.file,4627440,23.223,194.591,anonymous,mozilla@my.host.com,actual.host.com,.tar.gz,OK,I,PsSf,841036734,RMf0YAABAAEA,4637440,10000,',
];

/** An EFT log with a BOM, a header, CRLF and LF lines, blank lines, parse errors, non-ASCII text and over-long lines. */
export function eftLog(n = 60): Buffer {
  const lines = eftLines(n).split('\n').slice(0, n);
  const out: string[] = ['Time; Protocol; Host Name; Port; User Name; Local Path; Remote Path; Operation; GetLastCode'];
  lines.forEach((l, i) => {
    out.push(i % 3 === 0 ? l + '\r' : l);
    if (i === 7) out.push('');
    if (i === 11) out.push('2024-11-18 08:00:01; ftp; h; x; u; C:\\a; /a; download; 226;'); // invalid port
    if (i === 13) out.push('2024-11-18 08:00:02; ftp; h; 21; jürgen; C:\\報告書.csv; /in/報告書 😀.csv; upload; 550;');
    if (i === 20) out.push(`2024-11-18 08:00:03; ftp; h; 21; u; C:\\${'a'.repeat(400)}; /a; download; 226;`);
    if (i === 30) out.push('2024-11-18 08:00:04; ftp; h; 21; u; C:\\a; /a; download; 10060; 1;');
  });
  return Buffer.concat([BOM, Buffer.from(out.join('\n') + '\n', 'utf8')]);
}

/** An NcFTPd log with CRLF lines, an over-long line and a last line without terminator. */
export function ncftpdLog(repeat = 6): Buffer {
  const out: string[] = [];
  for (let k = 0; k < repeat; k++) out.push(...NCFTPD_LINES);
  out.splice(9, 0, `2010-01-11 15:42:17 #u5     | C,/${'p'.repeat(300)},644,,,cti-www,,24.216.233.19,S0u3WAAFv94A,`);
  out.splice(3, 0, 'not an ncftpd line at all');
  return Buffer.from(out.join('\r\n'), 'utf8');
}

/** An EFT log in latin1 (ANSI) with non-ASCII names. */
export function latin1Log(): Buffer {
  let s = '';
  for (let i = 0; i < 30; i++) s += `2024-11-18 09:00:${String(i).padStart(2, '0')}; ftp; h; 21; Jürgen; C:\\Überweisung ${i}.csv; /in/straße-${i}.csv; upload; 226;\n`;
  return Buffer.from(s, 'latin1');
}

/** Writes the inputs to `dir`; returns their paths by name. */
export function writeInputs(dir: string): { eft: string; ncftpd: string; empty: string; latin1: string; blankOnly: string } {
  const paths = {
    eft: join(dir, 'cl241118.log'),
    ncftpd: join(dir, 'xfer.log'),
    empty: join(dir, 'empty.log'),
    latin1: join(dir, 'cl241119.log'),
    blankOnly: join(dir, 'blank.log'),
  };
  writeFileSync(paths.eft, eftLog());
  writeFileSync(paths.ncftpd, ncftpdLog());
  writeFileSync(paths.empty, '');
  writeFileSync(paths.latin1, latin1Log());
  writeFileSync(paths.blankOnly, '\n\r\n   \n');
  return paths;
}

/** A block with its pieces joined, as the reader copies them into a slab. */
export interface JoinedBlock extends Omit<Block, 'parts' | 'byteLength'> {
  bytes: Buffer;
}

export function joinBlock(b: Block): JoinedBlock {
  const { parts, byteLength, ...rest } = b;
  const bytes = Buffer.concat(parts);
  assert.equal(byteLength, bytes.length, 'byteLength is the length of the parts');
  return { ...rest, bytes };
}

/**
 * Feeds `input` to a BlockCutter in chunks of the given sizes (cycled), lent
 * from one reused buffer as the file reader lends them: each block is joined
 * at once, and the buffer is overwritten after every push, so anything the
 * cutter kept without copying shows up as wrong bytes.
 */
export function lentBlocks(input: Buffer, maxLineBytes: number, sizes: readonly number[], afterPush?: (c: BlockCutter) => void): JoinedBlock[] {
  const cutter = new BlockCutter(maxLineBytes);
  const scratch = Buffer.alloc(Math.max(...sizes));
  const blocks: JoinedBlock[] = [];
  let k = 0;
  for (let i = 0; i < input.length; ) {
    const n = Math.min(sizes[k++ % sizes.length]!, input.length - i);
    input.copy(scratch, 0, i, i + n);
    const b = cutter.push(scratch.subarray(0, n));
    if (b !== undefined) blocks.push(joinBlock(b));
    scratch.fill(0x5a);
    afterPush?.(cutter);
    i += n;
  }
  const last = cutter.end();
  if (last !== undefined) blocks.push(joinBlock(last));
  return blocks;
}
