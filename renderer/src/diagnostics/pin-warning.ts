/**
 * What the PIN pad tells a technician after a wrong PIN. The host reports `attemptsBeforeLock`:
 * wrong PINs that are still free after this one (`attemptsBeforeLock` in the diagnostics contract). The pad says how many more wrong PINs lock the
 * keypad, which is one more than that: with 0 free left, the very next wrong PIN locks it.
 */
export function wrongPinsUntilLock(attemptsBeforeLock: number): number {
  return Math.max(0, Math.floor(attemptsBeforeLock)) + 1;
}
