/**
 * XfrBlock round trips with 255-byte payloads through the paced CCID-over-serial simulator on a
 * real pty. Prints, per baud rate, the median measured round trip, the wire-time bound
 * (bytes on the wire × 10 / baud) and their ratio (target ≤ 1.1).
 *
 *   npx tsx scripts/bench-reader.ts [--rounds N]
 */
import { encodeCommandApdu } from '../hardware/apdu/apdu';
import { openCcidSerialReader } from '../hardware/ccid/ccid-reader';
import { CcidSerialSimulator } from '../fixtures/sim/ccid-serial-device';
import { TEST_AID, TestCard } from '../fixtures/sim/test-card';

const PAYLOAD = 255;
const roundsArg = process.argv.indexOf('--rounds');
const rounds = roundsArg > 0 ? Number(process.argv[roundsArg + 1]) : 60;

// ECHO (test card INS EE): C-APDU 80 EE 00 00 FF ‖ 255 bytes, R-APDU 255 bytes ‖ 90 00.
const command = encodeCommandApdu({ cla: 0x80, ins: 0xee, p1: 0x00, p2: 0x00, data: Uint8Array.from({ length: PAYLOAD }, (_, i) => i & 0xff) });
const CCID_FRAMING = 1 + 10 + 1 + 1; // STX, CCID header, CHK, ETX
const ACK = 4;
const wireBytes = command.length + CCID_FRAMING + ACK + (PAYLOAD + 2) + CCID_FRAMING;

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

async function bench(baudRate: number): Promise<void> {
  const sim = await CcidSerialSimulator.start({ card: new TestCard(), baudRate, paced: true });
  const reader = await openCcidSerialReader({ path: sim.hostPath, baudRate, pollIntervalMs: 0 });
  try {
    await reader.powerOn();
    await reader.transmit(encodeCommandApdu({ cla: 0x00, ins: 0xa4, p1: 0x04, p2: 0x0c, data: Uint8Array.from(TEST_AID) }));
    for (let i = 0; i < 5; i += 1) await reader.transmit(command); // warm-up
    const times: number[] = [];
    for (let i = 0; i < rounds; i += 1) {
      const start = performance.now();
      const response = await reader.transmit(command);
      times.push(performance.now() - start);
      if (response.length !== PAYLOAD + 2) throw new Error(`unexpected response length ${response.length}`);
    }
    const measured = median(times);
    const bound = (wireBytes * 10 * 1000) / baudRate;
    console.log(
      `${String(baudRate).padStart(6)} baud: median ${measured.toFixed(2)} ms, wire-time bound ${bound.toFixed(2)} ms ` +
        `(${wireBytes} bytes), ratio ${(measured / bound).toFixed(3)}  [${rounds} round trips]`,
    );
  } finally {
    await reader.close();
    await sim.close();
  }
}

for (const baud of [115200, 500000]) await bench(baud);
