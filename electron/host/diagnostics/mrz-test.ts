/**
 * The MRZ scanner test: wait for one scan and say whether it was a well-formed MRZ with valid
 * check digits. The lines themselves never leave this function: a technician may test with a
 * citizen's document at hand, and diagnostics shows no citizen data.
 */
import { parse } from 'mrz';
import type { MrzTestResult } from '../../common/diagnostics-contract';
import type { DiagnosticsMrzScanner } from './ports';

export function judgeMrz(lines: string[]): MrzTestResult {
  const cleaned = lines.map((l) => l.trim().toUpperCase()).filter((l) => l.length > 0);
  try {
    const parsed = parse(cleaned);
    return { status: parsed.valid ? 'ok' : 'invalid', format: parsed.format, lineCount: cleaned.length, checkDigitsValid: parsed.valid, message: null };
  } catch {
    return { status: 'invalid', format: null, lineCount: cleaned.length, checkDigitsValid: null, message: 'not a machine-readable zone' };
  }
}

export async function runMrzTest(scanner: DiagnosticsMrzScanner | undefined, timeoutMs = 20_000): Promise<MrzTestResult> {
  if (!scanner) return { status: 'not-configured', format: null, lineCount: 0, checkDigitsValid: null, message: null };
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(), timeoutMs);
  try {
    const lines = await scanner.scanOnce(controller.signal);
    return judgeMrz(lines);
  } catch (error) {
    if (controller.signal.aborted) return { status: 'timeout', format: null, lineCount: 0, checkDigitsValid: null, message: `no scan within ${Math.round(timeoutMs / 1000)} s` };
    return { status: 'failed', format: null, lineCount: 0, checkDigitsValid: null, message: error instanceof Error ? error.message : String(error) };
  } finally {
    clearTimeout(timer);
  }
}
