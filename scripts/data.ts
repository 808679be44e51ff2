/**
 * `npm run data` — builds the embedded dataset under static/data/.
 *   npm run data                      generate the synthetic demo data for the three districts
 *   npm run data -- --out <dir>       the same into another folder (new, empty or an earlier output)
 *   npm run data -- --if-missing      only when static/data/ lacks it or is from an older generator
 *   npm run data -- --osm <file.osm.pbf|buildings.geojson> [--district 230102] [--crs wgs84|gcj02|bd09] [--out dir]
 *                                     import real OpenStreetMap buildings/roads/compounds
 *   npm run data -- --package <folder> --district <adcode> [--crs wgs84|gcj02|bd09] [--out dir]
 *                                     a district's data package from its station register and incident log
 *                                     (scripts/import/package.ts)
 * Output goes through scripts/lib/safe-out.ts: only files the tool wrote are replaced.
 * package.json runs the writing CLIs with `node --import tsx`: the tsx command's parent process
 * SIGKILLs a child still busy 60 ms after Ctrl-C, which leaves no chance to clean up.
 * Exit codes: 0 done, 2 bad input or a refused --out (nothing already built is overwritten),
 * 130 interrupted (Ctrl-C; temporary files removed), 1 internal error.
 */
import { resolve } from 'node:path';
import { DEFAULT_OUT_DIR, generateAll, isGeneratedDataCurrent } from './generate/index';
import { importOsmCli } from './import/osm';
import { ensureRiderData } from './rider/build';
import { OutputRefused } from './lib/safe-out';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--package')) return (await import('./import/package')).importPackageCli(argv);
  if (argv.includes('--osm')) {
    const code = await importOsmCli(argv);
    // Imported real roads replace the synthetic ones in the rider's network.
    if (code === 0) await ensureRiderData();
    return code;
  }
  const known = new Set(['--if-missing', '--out']);
  const unknown = argv.filter((a, i) => a.startsWith('--') && !known.has(a) && argv[i - 1] !== '--out');
  const k = argv.indexOf('--out');
  if (unknown.length || (k >= 0 && !argv[k + 1])) {
    console.error(`usage: npm run data [-- --out <dir>] [--if-missing]${unknown.length ? `; unknown ${unknown.join(' ')}` : '; --out needs a folder'}`);
    return 2;
  }
  const outDir = k >= 0 ? resolve(argv[k + 1]) : DEFAULT_OUT_DIR;
  if (argv.includes('--if-missing') && (await isGeneratedDataCurrent(outDir))) {
    console.log(`${outDir} is current`);
  } else {
    try {
      await generateAll({ outDir, log: (m) => console.log(m) });
    } catch (e) {
      if (!(e instanceof OutputRefused)) throw e;
      console.error(e.message);
      return 2;
    }
  }
  await ensureRiderData(outDir);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  }
);
