/**
 * kioskctl: the technicians' and tests' command line. Every command is a small module that
 * registers itself in `registry.ts`; each prints human text by default and one JSON document
 * with `--json`, and returns one of the documented exit codes.
 */
export const ExitCode = {
  ok: 0,
  /** The operation ran and failed (card refused, verification failed, authority refused…). */
  failed: 1,
  /** Bad arguments: the usage text is printed on stderr. */
  usage: 2,
  /** The device, file or service named is absent or unreachable. */
  unavailable: 3,
  /** A document or signature was checked and is not genuine. */
  notGenuine: 4,
  /** Interrupted by the user (SIGINT). */
  interrupted: 130,
} as const;
export type ExitCode = (typeof ExitCode)[keyof typeof ExitCode];

export interface CliIo {
  out(text: string): void;
  err(text: string): void;
  /** Resolves when the user interrupts (SIGINT/SIGTERM); for long-running commands. */
  interrupted: Promise<void>;
}

export interface KioskctlCommand {
  /** One or two words, e.g. `devices` or `outbox list`. */
  name: string;
  summary: string;
  usage: string;
  run(argv: string[], io: CliIo): Promise<ExitCode>;
}

export class UsageError extends Error {
  readonly code = 'usage';
}
