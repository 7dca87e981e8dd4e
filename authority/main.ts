/**
 * `node dist/authority/main.js [--config <file>] [--port <n>] [--db <file>] [--host <addr>]`;
 * without --config, authority/default-config.json (data under .kiosk-data/authority/).
 */
import { parseArgs } from 'node:util';
import { ConfigError, loadAuthorityConfig, parseAuthorityConfig } from './config';
import { createAuthority } from './server';

export const DEFAULT_CONFIG = 'authority/default-config.json';

async function main(argv: string[]): Promise<void> {
  const { values } = parseArgs({
    args: argv,
    options: {
      config: { type: 'string' },
      port: { type: 'string' },
      db: { type: 'string' },
      host: { type: 'string' },
      help: { type: 'boolean' },
    },
  });
  if (values.help) {
    console.error('usage: node dist/authority/main.js [--config <file>] [--port <n>] [--db <file>] [--host <addr>]');
    process.exit(0);
  }
  let config = loadAuthorityConfig(values.config ?? DEFAULT_CONFIG);
  if (values.port !== undefined || values.db !== undefined || values.host !== undefined) {
    const port = values.port === undefined ? config.port : Number(values.port);
    if (!Number.isInteger(port)) throw new ConfigError(`--port ${values.port} is not a port number`);
    config = parseAuthorityConfig({ ...config, port, db_path: values.db ?? config.db_path, host: values.host ?? config.host });
  }
  for (const m of config.policy.matchers) {
    if (m.placeholder) console.warn(`authority: matcher ${m.name} is a placeholder: no kiosk can complete an upgrade with it`);
  }
  const authority = await createAuthority(config, { logger: true });
  const url = await authority.listen();
  // The one line scripts and e2e tests wait for.
  console.log(JSON.stringify({ listening: url, authority_id: config.authority_id }));
  const stop = () => {
    authority.close().then(
      () => process.exit(0),
      () => process.exit(1),
    );
  };
  process.once('SIGINT', stop);
  process.once('SIGTERM', stop);
}

main(process.argv.slice(2)).catch((error: Error) => {
  console.error(`authority: ${error.message}`);
  process.exit(1);
});
