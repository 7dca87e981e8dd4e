import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from './command';
import { loadCommands } from './registry';

function usageText(commands: KioskctlCommand[]): string {
  const width = Math.max(...commands.map((c) => c.name.length), 8);
  return [
    'usage: kioskctl <command> [options] [--json]',
    '',
    ...commands.map((c) => `  ${c.name.padEnd(width)}  ${c.summary}`),
    '',
    `exit codes: ${Object.entries(ExitCode).map(([k, v]) => `${v} ${k}`).join(', ')}`,
  ].join('\n');
}

/** Longest-prefix match of argv against command names (`outbox list` before `outbox`). */
export function resolveCommand(
  commands: KioskctlCommand[],
  argv: string[],
): { command: KioskctlCommand; rest: string[] } | undefined {
  const sorted = [...commands].sort((a, b) => b.name.split(' ').length - a.name.split(' ').length);
  for (const command of sorted) {
    const words = command.name.split(' ');
    if (words.every((w, i) => argv[i] === w)) return { command, rest: argv.slice(words.length) };
  }
  return undefined;
}

export async function main(argv: string[], io: CliIo): Promise<ExitCode> {
  const commands = await loadCommands();
  if (argv.length === 0 || argv[0] === '--help' || argv[0] === 'help') {
    io.out(usageText(commands));
    return argv.length === 0 ? ExitCode.usage : ExitCode.ok;
  }
  const found = resolveCommand(commands, argv);
  if (!found) {
    io.err(`kioskctl: unknown command '${argv.join(' ')}'\n\n${usageText(commands)}`);
    return ExitCode.usage;
  }
  try {
    return await found.command.run(found.rest, io);
  } catch (error) {
    if (error instanceof UsageError) {
      io.err(`kioskctl ${found.command.name}: ${error.message}\n\nusage: ${found.command.usage}`);
      return ExitCode.usage;
    }
    throw error;
  }
}

const isEntryPoint = process.argv[1] !== undefined && /kioskctl\.(c?js|ts)$/.test(process.argv[1]);
if (isEntryPoint) {
  const interrupted = new Promise<void>((resolve) => {
    process.once('SIGINT', () => resolve());
    process.once('SIGTERM', () => resolve());
  });
  const io: CliIo = {
    out: (text) => process.stdout.write(`${text}\n`),
    err: (text) => process.stderr.write(`${text}\n`),
    interrupted,
  };
  main(process.argv.slice(2), io).then(
    (code) => {
      process.exitCode = code;
      // Long-lived handles (serial ports, servers) are closed by the commands; don't wait on stragglers.
      setTimeout(() => process.exit(code), 50).unref();
    },
    (error: unknown) => {
      process.stderr.write(`kioskctl: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exit(ExitCode.failed);
    },
  );
}
