/**
 * The recent log lines diagnostics shows and exports. Pino writes each line here as well as to
 * stderr; the ring keeps the last few thousand in memory. Lines are redacted again on the way out,
 * as a backstop to the logger's own redaction: no code path should log personal data at all.
 */
import { Writable } from 'node:stream';
import { isErrorClassName } from '../logger';

const REDACTED = '[redacted]';
/** Keys whose values never leave the kiosk in a log view (matches logger.ts's list and more). */
const SENSITIVE_KEYS = /^(mrz|can|portrait|image|frame|embedding|template|holder|name|surname|given_?names?|document_?number|secret|token|pin|pinHash|authorization|enrollment_?token|account_?id)$/i;
/** An MRZ line (TD1 30, TD2 36, TD3 44 characters of A-Z 0-9 <). */
const MRZ_LIKE = /[A-Z0-9<]{30,44}/g;
/** China resident ID numbers (18 characters) and other long digit runs that could be document numbers. */
const ID_NUMBER_LIKE = /\b\d{15,17}[\dXx]\b/g;

function scrub(value: unknown, key?: string, parentKey?: string): unknown {
  if (key !== undefined && SENSITIVE_KEYS.test(key) && !isErrorClassName(parentKey, key, value)) return REDACTED;
  if (typeof value === 'string') return value.replace(MRZ_LIKE, REDACTED).replace(ID_NUMBER_LIKE, REDACTED);
  if (Array.isArray(value)) return value.map((v) => scrub(v));
  if (value && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, scrub(v, k, key)]));
  return value;
}

/** One log line as shown to a technician: JSON lines are scrubbed field by field, other text by pattern. */
export function redactLogLine(line: string): string {
  const trimmed = line.trim();
  if (trimmed.startsWith('{')) {
    try {
      return JSON.stringify(scrub(JSON.parse(trimmed)));
    } catch {
      // not JSON after all: fall through to the text rules
    }
  }
  return String(scrub(trimmed));
}

export class LogRing extends Writable {
  readonly #lines: string[] = [];
  #partial = '';
  #total = 0;

  constructor(
    readonly capacity = 2000,
    private readonly tee?: NodeJS.WritableStream,
  ) {
    super({ decodeStrings: false });
  }

  override _write(chunk: Buffer | string, _encoding: BufferEncoding, done: (error?: Error | null) => void): void {
    const text = this.#partial + chunk.toString();
    const parts = text.split('\n');
    this.#partial = parts.pop() ?? '';
    for (const line of parts) if (line.length > 0) this.push_(line);
    if (this.tee) this.tee.write(chunk, () => done());
    else done();
  }

  private push_(line: string): void {
    this.#lines.push(line);
    this.#total++;
    if (this.#lines.length > this.capacity) this.#lines.splice(0, this.#lines.length - this.capacity);
  }

  /** The newest `limit` lines, redacted, oldest first. */
  recent(limit = 200): { lines: string[]; total: number } {
    return { lines: this.#lines.slice(-limit).map(redactLogLine), total: this.#total };
  }

  /** Every kept line, redacted. */
  all(): string[] {
    return this.#lines.map(redactLogLine);
  }
}
