/**
 * The fenced code blocks of a Markdown file, each with the note that may be
 * written on the line before it:
 *
 *   <!-- readme-test: CLAUSE; CLAUSE -->
 *
 * with these clauses:
 *
 *   skip: REASON             the block is not run (it needs something the tests cannot have)
 *   skip "TEXT": REASON      a command line holding TEXT is not run
 *   "FROM" as "TO"           FROM is replaced by TO in every command line run
 *                            (TO may hold {tmp}, which the test replaces by a temporary folder)
 *
 * Pure: no files, no processes. test/readme.test.ts decides what runs.
 */

export interface SkippedText {
  readonly text: string;
  readonly reason: string;
}

export interface Replacement {
  readonly from: string;
  readonly to: string;
}

export interface BlockNote {
  /** Why the whole block is not run; undefined when it is. */
  readonly skip: string | undefined;
  readonly skipLines: readonly SkippedText[];
  readonly replace: readonly Replacement[];
}

export interface CodeBlock {
  /** 1-based line of the opening fence. */
  readonly line: number;
  /** The fence's info string up to its first space; '' when it names none. */
  readonly lang: string;
  /** The lines between the fences, joined with '\n'. */
  readonly code: string;
  readonly note: BlockNote;
}

const NOTE = /^<!--\s*readme-test:(.*)-->$/;
const SKIP_ALL = /^skip:\s*(\S.*)$/;
const SKIP_TEXT = /^skip\s+"([^"]+)":\s*(\S.*)$/;
const REPLACE = /^"([^"]+)"\s+as\s+"([^"]*)"$/;

const EMPTY_NOTE: BlockNote = Object.freeze({ skip: undefined, skipLines: [], replace: [] });

/** Reads the text of a `<!-- readme-test: … -->` comment; throws on a clause it does not know. */
export function parseNote(text: string, where: string): BlockNote {
  const m = NOTE.exec(text.trim());
  if (m === null) throw new Error(`${where}: not a readme-test note: ${text}`);
  let skip: string | undefined;
  const skipLines: SkippedText[] = [];
  const replace: Replacement[] = [];
  for (const clause of m[1]!.split(';').map((c) => c.trim())) {
    let c: RegExpExecArray | null;
    if ((c = SKIP_TEXT.exec(clause)) !== null) skipLines.push({ text: c[1]!, reason: c[2]!.trim() });
    else if ((c = SKIP_ALL.exec(clause)) !== null) skip = c[1]!.trim();
    else if ((c = REPLACE.exec(clause)) !== null) replace.push({ from: c[1]!, to: c[2]! });
    else throw new Error(`${where}: unknown readme-test clause "${clause}"`);
  }
  if (skip !== undefined && (skipLines.length > 0 || replace.length > 0)) throw new Error(`${where}: a skipped block takes no other clause`);
  return { skip, skipLines, replace };
}

/** Every ``` fenced block, in order, with its note (the line right before the opening fence). */
export function codeBlocks(markdown: string, file: string): CodeBlock[] {
  const lines = markdown.split('\n');
  const out: CodeBlock[] = [];
  for (let i = 0; i < lines.length; i++) {
    const open = lines[i]!.trim();
    if (!open.startsWith('```')) continue;
    const start = i;
    let end = i + 1;
    while (end < lines.length && lines[end]!.trim() !== '```') end++;
    if (end === lines.length) throw new Error(`${file}:${start + 1}: code block not closed`);
    const before = start > 0 ? lines[start - 1]!.trim() : '';
    const note = before.startsWith('<!-- readme-test:') ? parseNote(before, `${file}:${start}`) : EMPTY_NOTE;
    out.push({ line: start + 1, lang: open.slice(3).trim().split(/\s/, 1)[0]!, code: lines.slice(start + 1, end).join('\n'), note });
    i = end;
  }
  return out;
}

/** A command line of a shell block, as written and as it will run. */
export interface Command {
  /** 1-based line in the Markdown file. */
  readonly line: number;
  readonly written: string;
  /** After the note's replacements; undefined when the note skips it. */
  readonly run: string | undefined;
  readonly skipReason: string | undefined;
}

/**
 * The command lines of a shell block: blank lines and comment lines left
 * out, a line ending in `\` joined with the next.
 */
export function commands(block: CodeBlock): Command[] {
  const out: Command[] = [];
  const lines = block.code.split('\n');
  for (let i = 0; i < lines.length; i++) {
    const line = block.line + 1 + i;
    let written = lines[i]!.trim();
    while (written.endsWith('\\') && i + 1 < lines.length) written = written.slice(0, -1) + lines[++i]!.trim();
    if (written === '' || written.startsWith('#')) continue;
    const skipped = block.note.skipLines.find((s) => written.includes(s.text));
    const run = skipped === undefined ? block.note.replace.reduce((cmd, r) => cmd.split(r.from).join(r.to), written) : undefined;
    out.push({ line, written, run, skipReason: skipped?.reason });
  }
  return out;
}
