/**
 * `kioskctl diagnostics set-pin`: sets the technician PIN that opens diagnostics mode. The PIN is
 * read from standard input (never from the command line, which other users and shell history
 * can see); only its scrypt hash is written, as `diagnostics.pinHash` in the configuration file.
 * The change is recorded in the kiosk's audit log.
 */
import { existsSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { ConfigError, loadConfig } from '../../host/config';
import { hashTechnicianPin, PIN_PATTERN, type ScryptCost } from '../../host/diagnostics/technician-pin';
import { openKioskRuntime } from '../../host/session/kiosk-runtime';
import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from '../command';

const USAGE = 'kioskctl diagnostics set-pin [--config <file>] [--data-dir <dir>] [--json]   (PIN on stdin: 6–12 digits)';

/** Reads the PIN: the first line of standard input (a terminal shows a prompt first). */
export async function readPinFromStdin(io: CliIo): Promise<string> {
  if (process.stdin.isTTY) io.err('Technician PIN (6–12 digits), then Enter:');
  const lines = createInterface({ input: process.stdin, terminal: false });
  try {
    for await (const line of lines) return line.trim();
    return '';
  } finally {
    lines.close();
  }
}

/** The file to write: `--config`, else `$KIOSK_CONFIG`, else `<dataDir>/config.json` (as loadConfig reads it). */
export function configFileFor(flags: { config?: string | undefined; dataDir?: string | undefined }, env: NodeJS.ProcessEnv = process.env): string {
  if (flags.config) return resolve(flags.config);
  if (env.KIOSK_CONFIG) return resolve(env.KIOSK_CONFIG);
  const dataDir = flags.dataDir ?? loadConfig({ env }).dataDir;
  return join(dataDir, 'config.json');
}

/** Sets `diagnostics.pinHash` in a JSON configuration file, keeping every other key; written 0600, atomically. */
export function writePinHash(file: string, pinHash: string): void {
  const current = existsSync(file) ? (JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>) : {};
  const diagnostics = typeof current.diagnostics === 'object' && current.diagnostics !== null ? (current.diagnostics as Record<string, unknown>) : {};
  const next = { ...current, diagnostics: { ...diagnostics, pinHash } };
  const temporary = `${file}.tmp-${process.pid}`;
  writeFileSync(temporary, `${JSON.stringify(next, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
}

export function createSetPinCommand(options: { readPin?: (io: CliIo) => Promise<string>; cost?: ScryptCost } = {}): KioskctlCommand {
  return {
    name: 'diagnostics set-pin',
    summary: 'set the technician PIN for diagnostics mode (read from stdin; stores an scrypt hash)',
    usage: USAGE,
    async run(argv: string[], io: CliIo): Promise<ExitCode> {
      let values;
      try {
        ({ values } = parseArgs({
          args: argv,
          options: { config: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
          strict: true,
        }));
      } catch (error) {
        throw new UsageError(error instanceof Error ? error.message : String(error));
      }
      const json = values.json === true;
      const pin = await (options.readPin ?? readPinFromStdin)(io);
      if (!PIN_PATTERN.test(pin)) throw new UsageError('the PIN must be 6 to 12 digits');

      const file = configFileFor({ config: values.config, dataDir: values['data-dir'] });
      try {
        writePinHash(file, await hashTechnicianPin(pin, options.cost));
        // The file must still load as a whole (a hand-edited file with another bad key is reported now, not at start-up).
        const config = loadConfig({ file, ...(values['data-dir'] ? { overrides: { dataDir: values['data-dir'] } } : {}) });
        const runtime = await openKioskRuntime({ dataDir: config.dataDir });
        try {
          runtime.audit.append({ kind: 'configuration-change', key: 'diagnostics.pin-hash' });
        } finally {
          runtime.close();
        }
      } catch (error) {
        const code = error instanceof ConfigError ? error.code : ((error as { code?: string }).code ?? 'error');
        const message = error instanceof Error ? error.message : String(error);
        if (json) io.out(JSON.stringify({ ok: false, error: { code, message } }));
        else io.err(`kioskctl diagnostics set-pin: ${code}: ${message}`);
        return ExitCode.failed;
      }
      if (json) io.out(JSON.stringify({ ok: true, file }));
      else io.out(`Technician PIN set (scrypt hash in ${file}). Restart the kiosk to apply it.`);
      return ExitCode.ok;
    },
  };
}

export const commands: KioskctlCommand[] = [createSetPinCommand()];
