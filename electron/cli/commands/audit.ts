import { parseArgs } from 'node:util';
import { openKioskRuntime } from '../../host/session/kiosk-runtime';
import { ExitCode, UsageError, type CliIo, type KioskctlCommand } from '../command';
import { reportFailure, resolveDataDir } from './enroll';

export const auditVerify: KioskctlCommand = {
  name: 'audit verify',
  summary: 'recompute the audit log (RFC 9162 Merkle tree) and check every signed checkpoint against it',
  usage: 'kioskctl audit verify [--checkpoint] [--data-dir <dir>] [--json]',
  async run(argv: string[], io: CliIo): Promise<ExitCode> {
    let values;
    try {
      ({ values } = parseArgs({ args: argv, options: { 'data-dir': { type: 'string' }, checkpoint: { type: 'boolean' }, json: { type: 'boolean' } }, strict: true }));
    } catch (error) {
      throw new UsageError(error instanceof Error ? error.message : String(error));
    }
    const json = values.json === true;
    try {
      const runtime = await openKioskRuntime({ dataDir: resolveDataDir(values['data-dir']) });
      try {
        const checkpoint = values.checkpoint ? await runtime.audit.checkpoint(runtime.identity?.terminalId ?? runtime.key.kid) : undefined;
        const result = await runtime.audit.verify();
        const out = { ...result, kid: runtime.key.kid, ...(checkpoint ? { new_checkpoint: checkpoint.payload } : {}) };
        if (json) io.out(JSON.stringify(out));
        else io.out(result.ok ? `audit log OK: ${result.treeSize} leaves, root ${result.root}, ${result.checkpoints} checkpoints` : `audit log FAILED:\n  ${result.problems.join('\n  ')}`);
        return result.ok ? ExitCode.ok : ExitCode.failed;
      } finally {
        runtime.close();
      }
    } catch (error) {
      return reportFailure(io, json, 'audit verify', error);
    }
  },
};

export const commands: KioskctlCommand[] = [auditVerify];
