import { existsSync, readFileSync } from 'node:fs';
import { dirname, isAbsolute, resolve } from 'node:path';
import { z } from 'zod';

const b64uSha256 = /^[A-Za-z0-9_-]{43}$/;
const hexSha256 = /^[0-9a-fA-F]{64}$/;

export const MatcherEntrySchema = z.strictObject({
  name: z.string().min(1),
  version: z.string().min(1),
  /** SHA-256 of the model file as distributed: b64u, or hex (converted to b64u on load). */
  model_sha256: z.string().regex(new RegExp(`${b64uSha256.source}|${hexSha256.source}`)),
  threshold: z.number().finite(),
  /** Marks an entry that stands in until the face engineer's calibrated matcher-policy.json exists. */
  placeholder: z.boolean().optional(),
});
export type MatcherEntry = z.infer<typeof MatcherEntrySchema>;

export const AuthorityConfigSchema = z.strictObject({
  authority_id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/),
  key_file: z.string().min(1),
  db_path: z.string().min(1),
  host: z.string().default('127.0.0.1'),
  port: z.number().int().min(0).max(65535).default(8480),
  session_ttl_seconds: z.number().int().positive().default(600),
  submit_window_seconds: z.number().int().positive().default(86_400),
  policy: z.strictObject({
    policy_version: z.string().min(1),
    target_fmr: z.number().positive().max(1).default(1e-4),
    matchers: z.array(MatcherEntrySchema).default([]),
    /** renderer/face/matcher-policy.json: read as data at start-up; its entry replaces placeholders. */
    matcher_policy_file: z.string().optional(),
    liveness_required: z.boolean().default(true),
    chip_auth_required: z.boolean().default(true),
  }),
  /** Folder of trusted CSCA certificates (*.der, *.cer, *.pem) and CRLs (*.crl). */
  trust_dir: z.string().min(1),
  known_sam_ids: z.array(z.string().min(1)).default([]),
  /** Passive authentication refuses a document whose CSCA has no CRL in the trust folder. */
  pa_require_crl: z.boolean().default(false),
  /** Shown by GET /v1/sessions/{id}/public when a terminal enrolled with an empty name. */
  default_terminal_name: z.string().default('ID upgrade kiosk'),
  /** Enables POST /_test/faults (unavailable switch, injected latency). Never in production. */
  test_controls: z.boolean().default(false),
});
export type AuthorityConfigInput = z.input<typeof AuthorityConfigSchema>;
export type AuthorityConfig = z.output<typeof AuthorityConfigSchema>;

export class ConfigError extends Error {
  readonly code = 'authority-config';
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

export interface MatcherPolicyFile {
  name: string;
  version: string;
  model_sha256: string;
  threshold: number;
  target_fmr: number;
}

const MatcherPolicyFileSchema = z.object({
  name: z.string().min(1),
  version: z.string().min(1),
  model_sha256: z.string().regex(new RegExp(`${b64uSha256.source}|${hexSha256.source}`)),
  threshold: z.number().finite(),
  target_fmr: z.number().positive(),
});

export function parseAuthorityConfig(input: unknown, baseDir = process.cwd()): AuthorityConfig {
  const parsed = AuthorityConfigSchema.safeParse(input);
  if (!parsed.success) throw new ConfigError(`invalid authority config: ${z.prettifyError(parsed.error)}`);
  const config = parsed.data;
  const at = (p: string): string => (isAbsolute(p) || p === ':memory:' ? p : resolve(baseDir, p));
  config.key_file = at(config.key_file);
  config.db_path = at(config.db_path);
  config.trust_dir = at(config.trust_dir);
  if (config.policy.matcher_policy_file) config.policy.matcher_policy_file = at(config.policy.matcher_policy_file);
  config.policy.matchers = resolveMatchers(config);
  return config;
}

export function loadAuthorityConfig(file: string): AuthorityConfig {
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (error) {
    throw new ConfigError(`cannot read config ${file}: ${(error as Error).message}`);
  }
  return parseAuthorityConfig(raw, dirname(resolve(file)));
}

/** model_sha256 travels as b64u (the attestation's encoding); hex in files is converted. */
export function normalizeSha256(value: string): string {
  return hexSha256.test(value) ? Buffer.from(value, 'hex').toString('base64url') : value;
}

function resolveMatchers(config: AuthorityConfig): MatcherEntry[] {
  let matchers = config.policy.matchers.map((m) => ({ ...m, model_sha256: normalizeSha256(m.model_sha256) }));
  const file = config.policy.matcher_policy_file;
  if (file && existsSync(file)) {
    let data: unknown;
    try {
      data = JSON.parse(readFileSync(file, 'utf8'));
    } catch (error) {
      throw new ConfigError(`cannot read matcher policy ${file}: ${(error as Error).message}`);
    }
    const parsed = MatcherPolicyFileSchema.safeParse(data);
    if (!parsed.success) throw new ConfigError(`invalid matcher policy ${file}: ${z.prettifyError(parsed.error)}`);
    const m = parsed.data;
    if (m.target_fmr !== config.policy.target_fmr) {
      throw new ConfigError(
        `matcher policy ${file} is calibrated for target_fmr ${m.target_fmr}, policy asks ${config.policy.target_fmr}`,
      );
    }
    const entry: MatcherEntry = {
      name: m.name,
      version: m.version,
      model_sha256: normalizeSha256(m.model_sha256),
      threshold: m.threshold,
    };
    matchers = matchers.filter((x) => !x.placeholder && !(x.name === entry.name && x.version === entry.version));
    matchers.push(entry);
  }
  return matchers;
}
