import { HardwareError } from './errors';

/**
 * Reader wire protocol §2: a message travels as consecutive 64-byte reports,
 * byte 0 bit 7 = more fragments follow, byte 1 = data bytes in this report (0..62).
 */
export const REPORT_DATA_SIZE = 62;
export const MORE_FRAGMENTS = 0x80;

export class HidReportError extends HardwareError {
  constructor(message: string) {
    super('hid-report-invalid', message);
  }
}

export function fragmentIntoReports(message: Uint8Array, reportSize = 64): Uint8Array[] {
  const reports: Uint8Array[] = [];
  let offset = 0;
  do {
    const n = Math.min(REPORT_DATA_SIZE, message.length - offset);
    const report = new Uint8Array(reportSize);
    report[0] = offset + n < message.length ? MORE_FRAGMENTS : 0;
    report[1] = n;
    report.set(message.subarray(offset, offset + n), 2);
    reports.push(report);
    offset += n;
  } while (offset < message.length);
  return reports;
}

/** Joins report fragments back into messages; a malformed report drops the partial message. */
export class ReportReassembler {
  readonly #maxMessageLength: number;
  #parts: Uint8Array[] = [];
  #length = 0;

  constructor(maxMessageLength: number) {
    this.#maxMessageLength = maxMessageLength;
  }

  /** Returns the completed message, or undefined while more fragments are expected. */
  push(report: Uint8Array): Uint8Array | undefined {
    const flags = report[0];
    const n = report[1];
    if (flags === undefined || n === undefined) {
      this.reset();
      throw new HidReportError(`report too short (${report.length} bytes)`);
    }
    if (n > REPORT_DATA_SIZE || 2 + n > report.length) {
      this.reset();
      throw new HidReportError(`report announces ${n} data bytes`);
    }
    this.#length += n;
    if (this.#length > this.#maxMessageLength) {
      this.reset();
      throw new HidReportError(`message exceeds ${this.#maxMessageLength} bytes`);
    }
    this.#parts.push(report.slice(2, 2 + n));
    if (flags & MORE_FRAGMENTS) return undefined;
    const message = new Uint8Array(this.#length);
    let offset = 0;
    for (const part of this.#parts) {
      message.set(part, offset);
      offset += part.length;
    }
    this.reset();
    return message;
  }

  reset(): void {
    this.#parts = [];
    this.#length = 0;
  }
}
