import { HardwareError } from '../transport/errors';

/** ISO/IEC 7816-4 §5.6 status words, by stable code. Keys are SW1SW2 in hex; 'XX' matches any SW2. */
const STATUS_WORDS: Readonly<Record<string, string>> = {
  '6200': 'warning-no-information',
  '6281': 'warning-data-corrupted',
  '6282': 'warning-end-of-file',
  '6283': 'warning-file-deactivated',
  '6284': 'warning-fci-format',
  '6300': 'warning-verification-failed',
  '63CX': 'warning-counter',
  '6400': 'execution-error',
  '6581': 'memory-failure',
  '6700': 'wrong-length',
  '6800': 'cla-function-not-supported',
  '6881': 'logical-channel-not-supported',
  '6882': 'secure-messaging-not-supported',
  '6883': 'last-command-of-chain-expected',
  '6884': 'command-chaining-not-supported',
  '6900': 'command-not-allowed',
  '6981': 'incompatible-file-structure',
  '6982': 'security-status-not-satisfied',
  '6983': 'authentication-method-blocked',
  '6984': 'reference-data-not-usable',
  '6985': 'conditions-of-use-not-satisfied',
  '6986': 'no-current-ef',
  '6987': 'secure-messaging-data-missing',
  '6988': 'secure-messaging-data-incorrect',
  '6A00': 'wrong-parameters',
  '6A80': 'incorrect-data',
  '6A81': 'function-not-supported',
  '6A82': 'file-not-found',
  '6A83': 'record-not-found',
  '6A84': 'not-enough-memory',
  '6A86': 'incorrect-p1-p2',
  '6A88': 'referenced-data-not-found',
  '6B00': 'wrong-parameters-offset',
  '6CXX': 'wrong-le',
  '6DXX': 'ins-not-supported',
  '6EXX': 'cla-not-supported',
  '6FXX': 'no-precise-diagnosis',
  '61XX': 'more-data-available',
};

export function statusWordCode(sw1: number, sw2: number): string {
  if (sw1 === 0x90 && sw2 === 0x00) return 'ok';
  const hex = (v: number) => v.toString(16).toUpperCase().padStart(2, '0');
  const exact = STATUS_WORDS[hex(sw1) + hex(sw2)];
  if (exact) return exact;
  if (sw1 === 0x63 && (sw2 & 0xf0) === 0xc0) return STATUS_WORDS['63CX'] ?? 'warning-counter';
  return STATUS_WORDS[`${hex(sw1)}XX`] ?? `sw-${hex(sw1)}${hex(sw2)}`.toLowerCase();
}

/** The card refused a command: `code` names the status word (e.g. 'security-status-not-satisfied'). */
export class ApduError extends HardwareError {
  readonly sw1: number;
  readonly sw2: number;
  constructor(sw1: number, sw2: number, context?: string) {
    const code = statusWordCode(sw1, sw2);
    const sw = ((sw1 << 8) | sw2).toString(16).toUpperCase().padStart(4, '0');
    super(code, `${context ? `${context}: ` : ''}card answered ${sw} (${code})`);
    this.sw1 = sw1;
    this.sw2 = sw2;
  }

  get sw(): number {
    return (this.sw1 << 8) | this.sw2;
  }

  /** 63Cx: verification failed, x retries left. */
  get retriesLeft(): number | undefined {
    return this.sw1 === 0x63 && (this.sw2 & 0xf0) === 0xc0 ? this.sw2 & 0x0f : undefined;
  }
}
