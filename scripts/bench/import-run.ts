/**
 * The child process of `npm run bench -- import`: runs the data package CLI with the given
 * arguments, then prints on stderr `BENCH {"maxRssMb", "cpuS", "readS", "writeS"}`: its own peak memory
 * (max RSS as the OS counts it), CPU time (user + system), and the wall time to read the files
 * and to write the package.
 */
import { importPackageCli } from '../import/package';

const t0 = performance.now();
let writing = 0;
const write = process.stderr.write.bind(process.stderr);
process.stderr.write = ((chunk: string | Uint8Array, ...rest: never[]) => {
  if (!writing && /^writing /.test(String(chunk))) writing = performance.now();
  return write(chunk, ...rest);
}) as typeof process.stderr.write;

importPackageCli(process.argv.slice(2)).then(
  (code) => {
    const end = performance.now();
    const s = (ms: number) => Math.round(ms / 100) / 10;
    const u = process.resourceUsage();
    const cpuS = s((u.userCPUTime + u.systemCPUTime) / 1000);
    write(
      `BENCH ${JSON.stringify({ maxRssMb: Math.round(u.maxRSS / 1024), cpuS, readS: s((writing || end) - t0), writeS: s(writing ? end - writing : 0) })}\n`
    );
    process.exit(code);
  },
  (err) => {
    console.error(err instanceof Error ? err.stack : err);
    process.exit(1);
  }
);
