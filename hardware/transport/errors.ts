/** Every device-layer failure carries a stable `code` so callers branch on it, not on messages. */
export class HardwareError extends Error {
  readonly code: string;
  constructor(code: string, message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
    this.code = code;
  }
}

export class DeviceNotFoundError extends HardwareError {
  constructor(path: string, options?: { cause?: unknown }) {
    super('not-found', `device not found: ${path}`, options);
  }
}

export class DeviceBusyError extends HardwareError {
  constructor(path: string, options?: { cause?: unknown }) {
    super('busy', `device is in use by another process: ${path}`, options);
  }
}

export class DevicePermissionError extends HardwareError {
  constructor(path: string, options?: { cause?: unknown }) {
    super('permission-denied', `permission denied opening ${path} (see docs/HARDWARE.md for the udev rule)`, options);
  }
}

export class DeviceUnpluggedError extends HardwareError {
  constructor(path: string, options?: { cause?: unknown }) {
    super('unplugged', `device was unplugged: ${path}`, options);
  }
}

export class TransportClosedError extends HardwareError {
  constructor(path: string) {
    super('closed', `transport is closed: ${path}`);
  }
}

export class HidUnavailableError extends HardwareError {
  constructor(options?: { cause?: unknown }) {
    super('hid-unavailable', 'node-hid could not be loaded (is libusb/hidraw available?)', options);
  }
}

/** Maps an OS error from open() to the typed error a technician can act on. */
export function classifyOpenError(path: string, error: unknown): HardwareError {
  if (error instanceof HardwareError) return error;
  const text = error instanceof Error ? `${(error as NodeJS.ErrnoException).code ?? ''} ${error.message}` : String(error);
  if (/ENOENT|No such file|could not open device|cannot open device|not found/i.test(text)) {
    return new DeviceNotFoundError(path, { cause: error });
  }
  if (/EACCES|EPERM|permission denied/i.test(text)) return new DevicePermissionError(path, { cause: error });
  if (/EBUSY|Cannot lock port|Resource temporarily unavailable|busy/i.test(text)) {
    return new DeviceBusyError(path, { cause: error });
  }
  return new HardwareError('open-failed', `could not open ${path}: ${text.trim()}`, { cause: error });
}
