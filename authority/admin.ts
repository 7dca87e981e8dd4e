/** `node dist/authority/admin.js --config <file> <command>`: the operator's CLI (see admin-commands.ts). */
import { runAdmin } from './admin-commands';

runAdmin(process.argv.slice(2), { out: (line) => console.log(line) }).then(
  (code) => process.exit(code),
  (error: Error) => {
    console.error(`authority-admin: ${error.message}`);
    process.exit((error as { code?: string }).code === 'admin-usage' ? 2 : 1);
  },
);
