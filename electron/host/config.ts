/**
 * The kiosk's one typed configuration: embedded defaults, then a JSON file, then environment
 * overrides (`KIOSK_<SECTION>__<KEY>=value`), validated as a whole with zod. A bad value stops
 * start-up with a message naming the key, never a half-configured kiosk.
 */
import { existsSync, readFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join, resolve } from 'node:path';
import { z } from 'zod';

const Locale = z.enum(['zh-CN', 'en']);

export const KioskConfig = z
  .object({
    /** Where the kiosk keeps its database, terminal key and logs. Never holds personal data. */
    dataDir: z.string().min(1).default(defaultDataDir()),
    locale: z.object({ default: Locale.default('zh-CN') }).strict().prefault({}),
    webHost: z
      .object({
        /** Loopback only: the bridge carries the whole host API. */
        host: z.enum(['127.0.0.1', '::1']).default('127.0.0.1'),
        port: z.number().int().min(0).max(65535).default(0),
        /** Open Chromium in app mode: `auto` when a display exists. */
        openBrowser: z.enum(['auto', 'never', 'always']).default('auto'),
        chromiumPath: z.string().default('/usr/bin/chromium'),
      })
      .strict()
      .prefault({}),
    reader: z
      .object({
        /** `sim:<profile>`, `ccid-serial:/dev/ttyUSB0?baud=115200`, `ccid-hid:<path|vid:pid>`, `ga467:…`, `ga467-hid:…`. */
        uri: z.string().min(1).default('sim:genuine'),
        pollIntervalMs: z.number().int().min(50).max(5000).default(250),
      })
      .strict()
      .prefault({}),
    mrzScanner: z
      .object({ uri: z.string().min(1).nullable().default(null) })
      .strict()
      .prefault({}),
    camera: z
      .object({
        /** `auto` uses a real camera when one exists, else the fake camera. */
        source: z.enum(['auto', 'device', 'fake']).default('auto'),
        /** Labels of cameras allowed to feed liveness (empty = any non-virtual camera). */
        allowedLabels: z.array(z.string()).default([]),
      })
      .strict()
      .prefault({}),
    authority: z
      .object({
        /** `embedded` starts the reference authority on loopback (development and demos). */
        url: z.union([z.literal('embedded'), z.url({ protocol: /^https?$/ })]).default('embedded'),
      })
      .strict()
      .prefault({}),
    cnid: z
      .object({
        /** External WLT decoder program (WLT on stdin, BMP/PNG on stdout). None is bundled. */
        wltDecoder: z.string().min(1).nullable().default(null),
        decoderTimeoutMs: z.number().int().min(100).max(60_000).default(5000),
      })
      .strict()
      .prefault({}),
    diagnostics: z
      .object({
        /** scrypt hash of the technician PIN, written by `kioskctl diagnostics set-pin`; null = diagnostics closed. */
        pinHash: z.string().regex(/^scrypt\$/, 'an scrypt$… hash from `kioskctl diagnostics set-pin`').nullable().default(null),
        /** Diagnostics closes after this long without a technician's touch. */
        idleTimeoutSeconds: z.number().int().min(15).max(3600).default(120),
        /** …and in any case after this long. */
        maxSessionMinutes: z.number().int().min(1).max(480).default(30),
      })
      .strict()
      .prefault({}),
    session: z
      .object({
        /** Per-screen inactivity and wait bounds (ms) of the citizen session; unset keys keep the machine's defaults. */
        timeoutsMs: z
          .object({
            consent: z.number().int().min(1000),
            binding: z.number().int().min(1000),
            cardWait: z.number().int().min(1000),
            cardRead: z.number().int().min(1000),
            accessKey: z.number().int().min(1000),
            face: z.number().int().min(1000),
            submitting: z.number().int().min(1000),
            result: z.number().int().min(1000),
            outOfService: z.number().int().min(1000),
          })
          .strict()
          .partial()
          .default({}),
        /** Face attempts before the citizen is referred to staff. */
        maxFaceAttempts: z.number().int().min(1).max(10).default(3),
        /** The visible countdown covers the last part of a screen's inactivity timeout. */
        idleWarningMs: z.number().int().min(1000).max(60_000).default(15_000),
      })
      .strict()
      .prefault({}),
    logLevel: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  })
  .strict();
export type KioskConfig = z.output<typeof KioskConfig>;

function defaultDataDir(): string {
  const xdg = process.env.XDG_DATA_HOME;
  return join(xdg && xdg.length > 0 ? xdg : join(homedir(), '.local', 'share'), 'id-upgrade-kiosk');
}

export class ConfigError extends Error {
  readonly code = 'config-invalid';
  constructor(
    message: string,
    readonly problems: string[],
  ) {
    super(`${message}\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

const ENV_PREFIX = 'KIOSK_';

/** `KIOSK_READER__URI=x` → `{ reader: { uri: 'x' } }`; keys are matched case-insensitively. */
export function environmentOverrides(env: Record<string, string | undefined>): Record<string, unknown> {
  const shape = KioskConfig.shape as Record<string, z.ZodType>;
  const out: Record<string, unknown> = {};
  for (const [name, raw] of Object.entries(env)) {
    if (!name.startsWith(ENV_PREFIX) || raw === undefined || name === 'KIOSK_CONFIG') continue;
    const path = name.slice(ENV_PREFIX.length).split('__').map((p) => p.toLowerCase());
    const resolved = resolveKeyPath(shape, path);
    if (!resolved) throw new ConfigError('Unknown configuration key in the environment:', [name]);
    let target = out;
    for (const key of resolved.slice(0, -1)) target = (target[key] ??= {}) as Record<string, unknown>;
    target[resolved.at(-1)!] = parseEnvValue(raw);
  }
  return out;
}

function resolveKeyPath(shape: Record<string, z.ZodType>, path: string[]): string[] | undefined {
  const [head, ...rest] = path;
  if (head === undefined) return undefined;
  const key = Object.keys(shape).find((k) => k.toLowerCase() === head.replaceAll('_', ''));
  if (!key) return undefined;
  if (rest.length === 0) return [key];
  const inner = unwrapObject(shape[key]!);
  if (!inner) return undefined;
  const tail = resolveKeyPath(inner, rest);
  return tail ? [key, ...tail] : undefined;
}

function unwrapObject(schema: z.ZodType): Record<string, z.ZodType> | undefined {
  let current: unknown = schema;
  for (let i = 0; i < 5 && current; i++) {
    const def = (current as { def?: { type?: string; innerType?: unknown; shape?: unknown } }).def;
    if (def?.type === 'object') return (current as { shape: Record<string, z.ZodType> }).shape;
    current = def?.innerType;
  }
  return undefined;
}

function parseEnvValue(raw: string): unknown {
  if (raw === 'null' || raw === 'true' || raw === 'false' || /^-?\d+(\.\d+)?$/.test(raw) || /^[[{]/.test(raw)) {
    try {
      return JSON.parse(raw);
    } catch {
      return raw;
    }
  }
  return raw;
}

function deepMerge(base: Record<string, unknown>, over: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    const prior = out[key];
    out[key] =
      value && typeof value === 'object' && !Array.isArray(value) && prior && typeof prior === 'object' && !Array.isArray(prior)
        ? deepMerge(prior as Record<string, unknown>, value as Record<string, unknown>)
        : value;
  }
  return out;
}

export interface LoadConfigOptions {
  /** Explicit file; otherwise `KIOSK_CONFIG`, otherwise `<dataDir>/config.json` when it exists. */
  file?: string;
  env?: Record<string, string | undefined>;
  /** Values that win over everything (command-line flags, tests). */
  overrides?: Record<string, unknown>;
}

export function loadConfig(options: LoadConfigOptions = {}): KioskConfig {
  const env = options.env ?? process.env;
  const fromEnv = environmentOverrides(env);
  const explicit = options.file ?? env.KIOSK_CONFIG;
  const dataDirGuess = (fromEnv.dataDir as string | undefined) ?? defaultDataDir();
  const file = explicit ? resolve(explicit) : join(dataDirGuess, 'config.json');
  let fromFile: Record<string, unknown> = {};
  if (explicit || existsSync(file)) {
    let text: string;
    try {
      text = readFileSync(file, 'utf8');
    } catch (error) {
      throw new ConfigError(`Cannot read the configuration file ${file}:`, [(error as Error).message]);
    }
    try {
      fromFile = JSON.parse(text) as Record<string, unknown>;
    } catch (error) {
      throw new ConfigError(`The configuration file ${file} is not valid JSON:`, [(error as Error).message]);
    }
  }
  const merged = deepMerge(deepMerge(fromFile, fromEnv), options.overrides ?? {});
  const parsed = KioskConfig.safeParse(merged);
  if (!parsed.success) {
    throw new ConfigError(
      'The kiosk configuration is invalid:',
      parsed.error.issues.map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`),
    );
  }
  return parsed.data;
}
