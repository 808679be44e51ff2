/**
 * Browser-test setup: build the app and serve it with `vite preview` on a port of its own,
 * so tests see exactly what `npm start` serves.
 */
import { spawn, execFileSync, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import assert from 'node:assert/strict';
import { existsSync } from 'node:fs';
import type { TestProject } from 'vitest/node';

let server: ChildProcess | null = null;

/** A port nobody listens on now, so parallel runs never talk to each other's server. */
function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

async function waitFor(url: string, ms: number): Promise<void> {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (server?.exitCode != null) throw new Error(`preview server exited with code ${server.exitCode}`);
    try {
      const r = await fetch(url);
      if (r.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise((r) => setTimeout(r, 250));
  }
  throw new Error(`preview server did not answer at ${url}`);
}

export default async function setup(project: TestProject) {
  // vitest sets NODE_ENV=test, which would make `vite build` a development build; test what `npm start` serves.
  const env = { ...process.env, NODE_ENV: 'production' };
  if (!process.env.E2E_SKIP_BUILD) {
    execFileSync('npx', ['vite', 'build', '--config', 'scripts/vite.config.ts', '--logLevel', 'warn'], { stdio: 'inherit', env });
  }
  const pages = process.env.GRIDATLAS_OUT ? `.build/${process.env.GRIDATLAS_OUT}/build` : 'build';
  assert(existsSync(`${pages}/index.html`), `the app is not built (${pages}/index.html missing)`);
  const PORT = await freePort();
  server = spawn(
    'npx',
    ['vite', 'preview', '--config', 'scripts/vite.config.ts', '--host', '127.0.0.1', '--port', String(PORT), '--strictPort'],
    { stdio: 'ignore', detached: true, env }
  );
  const baseUrl = `http://127.0.0.1:${PORT}`;
  await waitFor(`${baseUrl}/`, 60_000);
  project.provide('baseUrl', baseUrl);
  return () => {
    if (server?.pid && server.exitCode == null) process.kill(-server.pid, 'SIGTERM');
  };
}

declare module 'vitest' {
  export interface ProvidedContext {
    baseUrl: string;
  }
}
