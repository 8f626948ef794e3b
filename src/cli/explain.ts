/** `ftplog-otel explain CODE [--protocol P]`: how a GetLastCode or an NcFTPd status decodes. */
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { commandHelp, parseCommandArgs } from './args.js';
import { decodeEftCode, decodeNcftpdStatus, explainCode, explainNcftpdStatus } from '../codes/decode.js';
import { NCFTPD_STATUSES } from '../codes/ncftpd.js';
import type { DecodedStatus } from '../codes/types.js';
import { statusSeverity } from '../enrich/enrich.js';
import { EXPLAIN_OPTIONS } from '../options/components.js';
import { convertFlags, optionByKey, type OptionGroup } from '../options/spec.js';
import { FtplogError } from '../errors.js';

const GROUPS: readonly OptionGroup[] = [EXPLAIN_OPTIONS];

const STATUSES = NCFTPD_STATUSES.map((e) => e.code).join(', ');

const HELP = commandHelp(
  `Usage: ftplog-otel explain CODE [--protocol P]

Prints how an EFT GetLastCode decodes for a protocol: the code table it comes
from (FTP reply, SFTP status, HTTP status, Windows Sockets, EFT), its name and
meaning, and the outcome and severity a record gets (when the log has an
ACTION_RESULT column, it decides instead). An NcFTPd completion status
(${STATUSES}) decodes the same way, without a
protocol.

  CODE                    the GetLastCode value, e.g. 226, -1, 10060; or an NcFTPd status, e.g. PERM`,
  GROUPS,
  `Examples: ftplog-otel explain -1 --protocol sftp
          ftplog-otel explain ABOR`,
);

/** The lines of the explanation with the record's severity after the outcome (the code tables know outcomes, enrich decides severities). */
function withSeverity(lines: readonly string[], status: DecodedStatus): string[] {
  const s = statusSeverity(status);
  return lines.flatMap((l) => (l.startsWith('outcome: ') ? [l, `severity: ${s.text} (${s.number})`] : [l]));
}

export const explainCommand: Command = {
  name: 'explain',
  help: HELP,
  options: GROUPS,
  async run(args: string[], io: CliIO): Promise<number> {
    const { values, positionals } = parseCommandArgs(args, GROUPS, {}, { negativeNumbers: true });
    if (values['help'] === true) {
      io.stdout.write(HELP + '\n');
      return EXIT.OK;
    }
    if (positionals.length !== 1) throw new FtplogError('ERR_INVALID_ARGUMENT', 'takes exactly one CODE (see --help)');
    const v = convertFlags(GROUPS, values);
    const raw = positionals[0]!.trim();
    const status = raw.toUpperCase();
    const ncftpd = explainNcftpdStatus(status);
    if (ncftpd !== undefined) {
      if (v['protocol'] !== undefined) throw new FtplogError('ERR_INVALID_ARGUMENT', `--protocol applies to EFT GetLastCodes, not to NcFTPd statuses such as ${status}`);
      io.stdout.write(withSeverity(ncftpd, decodeNcftpdStatus(status)).join('\n') + '\n');
      return EXIT.OK;
    }
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw new FtplogError('ERR_INVALID_ARGUMENT', `CODE must be an integer (an EFT GetLastCode) or an NcFTPd status: ${STATUSES} (got ${JSON.stringify(raw)})`);
    }
    const protocol = ((v['protocol'] as string | undefined) ?? (optionByKey(EXPLAIN_OPTIONS, 'protocol').default as string)).trim().toLowerCase();
    if (protocol === '') throw new FtplogError('ERR_INVALID_ARGUMENT', '--protocol must not be empty');
    const code = Number(raw);
    io.stdout.write(withSeverity(explainCode(code, protocol), decodeEftCode(protocol, code)).join('\n') + '\n');
    return EXIT.OK;
  },
};
