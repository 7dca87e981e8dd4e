import { spawn } from 'node:child_process';
import { HardwareError } from '../transport/errors';

/** Configuration of the vendor's licensed WLT decoder, run as an external program. */
export interface WltDecoderConfig {
  command: string;
  args?: string[];
  /** Default 5000 ms. */
  timeoutMs?: number;
}

export type WltDecoderErrorCode =
  | 'wlt-decoder-not-configured'
  | 'wlt-decoder-failed'
  | 'wlt-decoder-timeout'
  | 'wlt-decoder-output-invalid';

export class WltDecoderError extends HardwareError {
  constructor(code: WltDecoderErrorCode, message: string, options?: { cause?: unknown }) {
    super(code, message, options);
  }
}

export interface Portrait {
  format: 'bmp' | 'png';
  bytes: Uint8Array;
}

const PNG_SIGNATURE = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const MAX_OUTPUT = 4 * 1024 * 1024;

/**
 * Contract: WLT bytes on stdin, a BMP or PNG on stdout, non-zero exit on failure. Nothing is
 * written to disk and stderr is not kept (it could echo holder data).
 */
export async function decodeWltPhoto(wlt: Uint8Array, config: WltDecoderConfig | undefined): Promise<Portrait> {
  if (!config?.command) {
    throw new WltDecoderError(
      'wlt-decoder-not-configured',
      'no WLT photo decoder is configured (the licensed vendor decoder is not bundled; see docs/HARDWARE.md)',
    );
  }
  const timeoutMs = config.timeoutMs ?? 5000;
  const output = await new Promise<Buffer>((resolve, reject) => {
    const child = spawn(config.command, config.args ?? [], { stdio: ['pipe', 'pipe', 'ignore'] });
    const chunks: Buffer[] = [];
    let size = 0;
    let settled = false;
    const fail = (error: WltDecoderError): void => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      child.kill('SIGKILL');
      reject(error);
    };
    const timer = setTimeout(
      () => fail(new WltDecoderError('wlt-decoder-timeout', `WLT decoder did not finish within ${timeoutMs} ms`)),
      timeoutMs,
    );
    child.on('error', (error) => fail(new WltDecoderError('wlt-decoder-failed', `cannot run WLT decoder: ${error.message}`, { cause: error })));
    child.stdout.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_OUTPUT) fail(new WltDecoderError('wlt-decoder-output-invalid', 'WLT decoder output exceeds 4 MiB'));
      else chunks.push(chunk);
    });
    child.on('close', (code, signal) => {
      if (settled) return;
      if (code !== 0) {
        fail(new WltDecoderError('wlt-decoder-failed', `WLT decoder exited with ${code ?? signal}`));
        return;
      }
      settled = true;
      clearTimeout(timer);
      resolve(Buffer.concat(chunks));
    });
    child.stdin.on('error', () => undefined);
    child.stdin.end(Buffer.from(wlt));
  });
  if (output.length > 8 && PNG_SIGNATURE.every((b, i) => output[i] === b)) return { format: 'png', bytes: new Uint8Array(output) };
  if (output.length > 54 && output[0] === 0x42 && output[1] === 0x4d) return { format: 'bmp', bytes: new Uint8Array(output) };
  throw new WltDecoderError('wlt-decoder-output-invalid', 'WLT decoder output is neither BMP nor PNG');
}
