import { parseArgs } from 'node:util';
import { AuthorityProblemError, AuthorityUnreachableError } from '../../host/authority-client/errors';
import { enroll } from '../../host/identity/enrollment';
import { openKioskRuntime } from '../../host/session/kiosk-runtime';
import { StoreError } from '../../host/store/errors';
import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from '../command';
import { loadConfig } from '../../host/config';

const USAGE = 'kioskctl enroll --authority <url> --token <enrollment token> [--name <name>] [--data-dir <dir>] [--json]';

/** `--data-dir`, else the configured data directory. */
export function resolveDataDir(flag: string | undefined): string {
  return flag ?? loadConfig().dataDir;
}

/** Reports a failure as one JSON document or one line, and picks the exit code. */
export function reportFailure(io: CliIo, json: boolean, command: string, error: unknown): ExitCode {
  const code = (error as { code?: string }).code ?? 'error';
  const message = error instanceof Error ? error.message : String(error);
  const extra = error instanceof AuthorityProblemError ? { status: error.status, problem: error.problem } : {};
  if (json) io.out(JSON.stringify({ ok: false, error: { code, message, ...extra } }));
  else io.err(`kioskctl ${command}: ${code}: ${message}`);
  if (error instanceof AuthorityUnreachableError || error instanceof StoreError) return ExitCode.unavailable;
  return ExitCode.failed;
}

export const enrollCommand: KioskctlCommand = {
  name: 'enroll',
  summary: 'generate the terminal key (if needed) and enroll this kiosk with an ID authority',
  usage: USAGE,
  async run(argv: string[], io: CliIo): Promise<ExitCode> {
    let values;
    try {
      ({ values } = parseArgs({
        args: argv,
        options: { authority: { type: 'string' }, token: { type: 'string' }, name: { type: 'string' }, 'data-dir': { type: 'string' }, json: { type: 'boolean', default: false } },
        strict: true,
      }));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    if (!values.authority || !values.token) throw new UsageError('--authority and --token are required');
    try {
      new URL(values.authority);
    } catch {
      throw new UsageError('--authority is not a URL');
    }
    const json = values.json === true;
    let runtime;
    try {
      runtime = await openKioskRuntime({ dataDir: resolveDataDir(values['data-dir']) });
    } catch (error) {
      return reportFailure(io, json, 'enroll', error);
    }
    try {
      const identity = await enroll({
        authorityUrl: values.authority,
        enrollmentToken: values.token,
        name: values.name ?? 'kiosk',
        key: runtime.key,
        store: runtime.store,
      });
      runtime.audit.append({ kind: 'configuration-change', key: 'enrollment', version: identity.authorityId });
      const out = { ok: true, terminal_id: identity.terminalId, authority_id: identity.authorityId, kid: identity.kid, authority_url: identity.authorityUrl, name: identity.name };
      io.out(json ? JSON.stringify(out) : `enrolled as ${out.terminal_id} with ${out.authority_id} (key ${out.kid})`);
      return ExitCode.ok;
    } catch (error) {
      return reportFailure(io, json, 'enroll', error);
    } finally {
      runtime.close();
    }
  },
};

export const commands: KioskctlCommand[] = [enrollCommand];
