/**
 * Chip-read benchmark: a full read (EF.COM, DG1, 20 KB DG2, DG14, DG15, EF.SOD) with PACE,
 * Chip Authentication and Active Authentication, from the virtual chip through the paced
 * simulated CCID-serial reader (real pseudo-terminal, 115200 baud, 8N1). The simulator runs in
 * its own process, as a real reader would, so its pacing does not share the host's event loop.
 * Prints the median measured time, the wire-time bound (every byte on the line: frames, ACKs,
 * headers) and their ratio. Run: npx tsx scripts/bench-chip.ts [runs]
 */
import { fork } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { openCcidSerialReader } from '../hardware/ccid/ccid-reader';
import { readChip } from '../hardware/icao/read-chip';
import { CcidSerialSimulator } from '../fixtures/sim/ccid-serial-device';
import { buildTestImage, TEST_MRZ } from '../fixtures/virtual-chip/test-image';
import { VirtualChip } from '../fixtures/virtual-chip/virtual-chip';

const BAUD = 115200;
// Reader wire protocol §1: per APDU, command frame (STX + 10-byte header + CHK + ETX), ACK (4),
// response frame (STX + header + CHK + ETX).
const FRAMING_PER_APDU = 13 + 4 + 13;
const DG2_SIZE = 20_000;

function image() {
  return buildTestImage({
    bac: true,
    pace: [{ agreement: 'ECDH', mapping: 'GM', cipher: 'AES-128', parameterId: 13 }],
    ca: { curve: 'brainpoolP256r1', cipher: 'AES-128' },
    aa: 'rsa',
    dg2Size: DG2_SIZE,
  });
}

async function simulatorProcess(): Promise<void> {
  const sim = await CcidSerialSimulator.start({ card: new VirtualChip(image()), baudRate: BAUD, paced: true });
  process.send?.({ hostPath: sim.hostPath });
  process.on('message', async () => {
    await sim.close();
    process.exit(0);
  });
}

async function host(runs: number): Promise<void> {
  const child = fork(fileURLToPath(import.meta.url), ['--simulator'], { execArgv: ['--import', 'tsx'], stdio: 'inherit' });
  const hostPath = await new Promise<string>((resolve, reject) => {
    child.once('message', (m) => resolve((m as { hostPath: string }).hostPath));
    child.once('exit', (code) => reject(new Error(`simulator exited (${code})`)));
  });
  const reader = await openCcidSerialReader({ path: hostPath, baudRate: BAUD, pollIntervalMs: 0 });
  const measured: number[] = [];
  const bounds: number[] = [];
  try {
    for (let i = 0; i < runs; i++) {
      await reader.powerOn();
      const r = await readChip(reader, {
        access: { mrz: TEST_MRZ },
        files: ['COM', 'DG1', 'DG2', 'DG14', 'DG15', 'SOD'],
        chipAuthentication: true,
        aaChallenge: Uint8Array.from([1, 2, 3, 4, 5, 6, 7, 8]),
      });
      if (r.chipAuthSteps.some((s) => s.result !== 'valid') || (r.files.DG2?.length ?? 0) < DG2_SIZE) throw new Error('benchmark read did not verify');
      const wire = ((r.timings.bytes + FRAMING_PER_APDU * r.timings.apdus) * 10 * 1000) / BAUD;
      measured.push(r.timings.ms);
      bounds.push(wire);
      console.log(
        `run ${i + 1}: ${r.timings.ms.toFixed(0)} ms, ${r.timings.apdus} APDUs, ${r.timings.bytes} APDU bytes, wire bound ${wire.toFixed(0)} ms ` +
          `(${r.accessProtocol.protocol}, ${r.chipAuthSteps.map((s) => s.method).join('+')})`,
      );
    }
  } finally {
    await reader.close();
    child.send('stop');
  }
  const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
  const m = median(measured);
  const b = median(bounds);
  console.log(`median measured ${m.toFixed(0)} ms, wire-time bound ${b.toFixed(0)} ms, ratio ${(m / b).toFixed(2)} (aim ≤ 1.25)`);
}

if (process.argv.includes('--simulator')) await simulatorProcess();
else await host(Number(process.argv[2] ?? 5));
