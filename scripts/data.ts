/**
 * `npm run data` — builds the embedded dataset under static/data/.
 *   npm run data                      generate the synthetic demo data for the three districts
 *   npm run data -- --if-missing      only when static/data/ lacks it or is from an older generator
 *   npm run data -- --osm <file.osm.pbf|buildings.geojson> [--district 230102] [--crs wgs84|gcj02|bd09] [--out dir]
 *                                     import real OpenStreetMap buildings/roads/compounds
 * Exit codes: 0 done, 2 bad input (nothing already built is overwritten), 1 internal error.
 */
import { generateAll, isGeneratedDataCurrent } from './generate/index';
import { importOsmCli } from './import/osm';
import { ensureRiderData } from './rider/build';

async function main(argv: string[]): Promise<number> {
  if (argv.includes('--osm')) {
    const code = await importOsmCli(argv);
    // Imported real roads replace the synthetic ones in the rider's network.
    if (code === 0) await ensureRiderData();
    return code;
  }
  if (argv.includes('--if-missing') && (await isGeneratedDataCurrent())) {
    console.log('static/data is current');
  } else {
    await generateAll({ log: (m) => console.log(m) });
  }
  await ensureRiderData();
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  }
);
