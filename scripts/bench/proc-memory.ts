/**
 * Peak resident memory of a Chromium's processes while a bench runs, by kind (`--type=renderer`,
 * `--type=gpu-process` where SwiftShader draws, the rest), sampled from `ps` every 250 ms over
 * the process tree under this bench's own process, Chromium's processes only (other engineers'
 * browsers on the machine, and the preview server, are not counted).
 * RSS counts pages shared between processes in each of them; the renderer's figure is the one
 * the issue's "renderer memory" means (the page's JS heap, DOM, and DuckDB's and the decoder's
 * workers, which run in the renderer process).
 */
import { execFile } from 'node:child_process';

export interface ProcPeaks {
  rendererPeakMB: number;
  gpuProcessPeakMB: number;
  allPeakMB: number;
  /** The renderer's peak while each phase the page announced ran (see `phase`), in their order. */
  rendererPeakByPhaseMB: Record<string, number>;
}

function sample(root: number): Promise<{ renderer: number; gpu: number; all: number }> {
  return new Promise((resolve) => {
    execFile('ps', ['-eo', 'pid=,ppid=,rss=,args='], { maxBuffer: 16 << 20 }, (err, out) => {
      if (err) return resolve({ renderer: 0, gpu: 0, all: 0 });
      const rows = out
        .split('\n')
        .map((l) => l.trim().match(/^(\d+)\s+(\d+)\s+(\d+)\s+(.*)$/))
        .filter((m): m is RegExpMatchArray => !!m)
        .map((m) => ({ pid: +m[1], ppid: +m[2], kb: +m[3], args: m[4] }));
      const mine = new Set([root]);
      // Parents come before children in no guaranteed order: grow the tree until it stops.
      for (let grew = true; grew;) {
        grew = false;
        for (const r of rows)
          if (!mine.has(r.pid) && mine.has(r.ppid)) {
            mine.add(r.pid);
            grew = true;
          }
      }
      let renderer = 0,
        gpu = 0,
        all = 0;
      for (const r of rows) {
        if (!mine.has(r.pid) || !/chrom/i.test(r.args)) continue;
        all += r.kb;
        if (r.args.includes('--type=renderer')) renderer = Math.max(renderer, r.kb);
        else if (r.args.includes('--type=gpu-process')) gpu += r.kb;
      }
      resolve({ renderer, gpu, all });
    });
  });
}

/**
 * Starts sampling the tree under `rootPid`; `stop()` gives the peaks in MB (the largest renderer).
 * `phase(name)`: samples from now on count towards that phase too (where in a run the peak is).
 */
export function watchMemory(rootPid: number): { stop(): Promise<ProcPeaks>; phase(name: string): void } {
  const peak = { renderer: 0, gpu: 0, all: 0 };
  const byPhase: Record<string, number> = {};
  let current = 'page';
  let busy: Promise<void> = Promise.resolve();
  const timer = setInterval(() => {
    const p = current;
    busy = sample(rootPid).then((s) => {
      peak.renderer = Math.max(peak.renderer, s.renderer);
      peak.gpu = Math.max(peak.gpu, s.gpu);
      peak.all = Math.max(peak.all, s.all);
      byPhase[p] = Math.max(byPhase[p] ?? 0, s.renderer);
    });
  }, 250);
  const mb = (kb: number) => Math.round(kb / 1024);
  return {
    phase(name) {
      current = name;
    },
    async stop() {
      clearInterval(timer);
      await busy;
      return {
        rendererPeakMB: mb(peak.renderer),
        gpuProcessPeakMB: mb(peak.gpu),
        allPeakMB: mb(peak.all),
        rendererPeakByPhaseMB: Object.fromEntries(Object.entries(byPhase).map(([k, v]) => [k, mb(v)]))
      };
    }
  };
}
