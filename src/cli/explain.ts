/** `ftplog-otel explain CODE --protocol P`: how a GetLastCode decodes. */
import type { Command, CliIO } from './command.js';
import { EXIT } from './command.js';
import { parseCommandArgs } from './args.js';
import { explainCode } from '../codes/decode.js';
import { FtplogError } from '../errors.js';

const HELP = `Usage: ftplog-otel explain CODE --protocol P

Prints how an EFT GetLastCode decodes for a protocol: the code table it comes
from (FTP reply, SFTP status, HTTP status, Windows Sockets, EFT), its name and
meaning, and the outcome and severity a record gets.

  CODE                    the GetLastCode value, e.g. 226, -1, 10060
  -p, --protocol P        ftp | ftps | sftp | http | https | any other (default ftp)
  -h, --help              this help

Example: ftplog-otel explain 2 --protocol sftp`;

export const explainCommand: Command = {
  name: 'explain',
  help: HELP,
  async run(args: string[], io: CliIO): Promise<number> {
    const parsed = parseCommandArgs(args, [], { protocol: { type: 'string', short: 'p' } });
    const values = parsed.values as { protocol?: string; help?: boolean };
    const positionals = parsed.positionals;
    if (values.help === true) {
      io.stdout.write(HELP + '\n');
      return EXIT.OK;
    }
    if (positionals.length !== 1) throw new FtplogError('ERR_INVALID_ARGUMENT', 'explain takes exactly one CODE (see --help)');
    const raw = positionals[0]!.trim();
    if (!/^-?\d+$/.test(raw) || !Number.isSafeInteger(Number(raw))) {
      throw new FtplogError('ERR_INVALID_ARGUMENT', `CODE must be an integer (got ${JSON.stringify(raw)})`);
    }
    const protocol = (values.protocol ?? 'ftp').trim().toLowerCase();
    if (protocol === '') throw new FtplogError('ERR_INVALID_ARGUMENT', '--protocol must not be empty');
    io.stdout.write(explainCode(Number(raw), protocol).join('\n') + '\n');
    return EXIT.OK;
  },
};
