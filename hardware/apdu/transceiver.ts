/**
 * The seam between a reader protocol and the card protocols above it: one C-APDU in, one
 * R-APDU (data ‖ SW1 SW2) out, as raw ISO/IEC 7816-4 bytes. CCID-serial, CCID-HID and in-memory
 * test channels all implement it; ICAO 9303 code depends on nothing else.
 */
export interface ApduTransceiver {
  transmit(command: Uint8Array): Promise<Uint8Array>;
}
