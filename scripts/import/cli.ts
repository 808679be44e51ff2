/**
 * Stand-alone entry for the importer: `npx tsx scripts/import/cli.ts --osm <file> ...`, the same
 * as `npm run data -- --osm <file> ...` without loading the synthetic generator. Tests use it.
 */
import { importOsmCli } from './osm';

importOsmCli(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  }
);
