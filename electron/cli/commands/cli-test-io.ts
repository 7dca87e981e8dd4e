/** Test support: a CliIo that records what a command prints. */
import type { CliIo } from '../command';

export function recordingIo(): CliIo & { stdout: string[]; stderr: string[]; json(): unknown } {
  const stdout: string[] = [];
  const stderr: string[] = [];
  return {
    stdout,
    stderr,
    out: (text) => stdout.push(text),
    err: (text) => stderr.push(text),
    interrupted: new Promise(() => undefined),
    json: () => JSON.parse(stdout.at(-1) ?? 'null'),
  };
}
