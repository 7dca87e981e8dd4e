import { describe, expect, it } from 'vitest';
import { captureGateReport, formatCaptureGate, type ScoredPair } from './evaluate';

describe('captureGateReport', () => {
  // Identity A: a1, a2 (a2 turned away); identity B: b1, b2 (b2 never measured).
  const gate = (rel: string) => ({ 'A/1.jpg': [], 'A/2.jpg': ['yaw', 'eyes-closed'], 'B/1.jpg': ['off-centre', 'too-large'] } as Record<string, string[]>)[rel];
  const pair = (a: string, b: string, score: number): ScoredPair => ({ a, b, same: a[0] === b[0], score });
  const scored: ScoredPair[] = [pair('A/1.jpg', 'A/2.jpg', 0.2), pair('B/1.jpg', 'B/2.jpg', 0.3), pair('A/2.jpg', 'A/1.jpg', 0.25), pair('A/1.jpg', 'B/1.jpg', 0.1), pair('A/2.jpg', 'B/1.jpg', 0.05), pair('B/2.jpg', 'A/1.jpg', 0.12)];

  it('counts accepted photos and the checks the others fail, an unmeasured photo as not accepted; framing is not the face', () => {
    const r = captureGateReport(scored, gate);
    expect(r.photos).toBe(4);
    expect(r.photos_accepted).toBe(2);
    expect(r.checks_failed).toEqual({ yaw: 1, 'eyes-closed': 1, 'not-measured': 1 });
  });

  it('keeps only the pairs whose probe passes, or whose both sides pass', () => {
    const r = captureGateReport(scored, gate);
    // Probe accepted: (A2→A1) genuine; (A1→B1), (A2→B1), (B2→A1) impostor.
    expect(r.probe_accepted.genuine_pairs).toBe(1);
    expect(r.probe_accepted.impostor_pairs).toBe(3);
    // Both accepted: only (A1→B1).
    expect(r.both_accepted.genuine_pairs).toBe(0);
    expect(r.both_accepted.impostor_pairs).toBe(1);
    expect(r.both_accepted.operating_points).toEqual([]);
    expect(r.probe_accepted.operating_points.map((p) => p.target_fmr)).toEqual([1e-2, 1e-3, 1e-4]);
  });

  it('prints the accepted share, the failed checks most frequent first, and each gated set', () => {
    const lines = formatCaptureGate(captureGateReport(scored, gate));
    expect(lines[0]).toBe('capture gate: 2/4 photos accepted (failed: yaw 1, eyes-closed 1, not-measured 1)');
    expect(lines[1]).toMatch(/^  probe accepted: 1 genuine \/ 3 impostor pairs; FMR 1e-2: FNMR /);
    expect(lines[2]).toBe('  both accepted: 0 genuine / 1 impostor pairs; too few pairs');
  });
});
