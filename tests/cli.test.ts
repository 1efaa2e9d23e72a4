/**
 * The CLI as an operator runs it: a separate process, DATA_DIR on disk, a
 * producer file served by a local HTTP server (never the network).
 */
import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PROJECT_ROOT } from '../src/config.js';
import { openPglite } from '../src/db/client.js';
import { serveBody, startHttpServer, type TestHttpServer } from './helpers/http-server.js';

const run = promisify(execFile);
const MVT = join(PROJECT_ROOT, 'samples/cog/v_mvt_commune_2024.csv');

async function dotation(dataDir: string, ...args: string[]) {
  try {
    const { stdout, stderr } = await run(process.execPath, [join(PROJECT_ROOT, 'bin/dotation.mjs'), ...args], {
      env: { ...process.env, DATA_DIR: dataDir, LOG_LEVEL: 'warn', DATABASE_URL: '' }, cwd: PROJECT_ROOT, timeout: 120_000,
    });
    return { code: 0, stdout, stderr };
  } catch (error) {
    const e = error as { code: number; stdout: string; stderr: string };
    return { code: e.code, stdout: e.stdout, stderr: e.stderr };
  }
}

describe('dotation CLI', () => {
  let server: TestHttpServer;
  const dataDir = mkdtempSync(join(tmpdir(), 'dotation-cli-'));

  beforeAll(async () => {
    server = await startHttpServer({ '/cog/v_mvt_commune_2024.csv': serveBody(readFileSync(MVT)) });
  });
  afterAll(() => server.close());

  it('ingests a source from a mirror URL and publishes a release, with a summary per source', async () => {
    const result = await dotation(dataDir, 'ingest', 'cog', '--input', `cog=${server.url('/cog/v_mvt_commune_2024.csv')}`);
    expect(result.stderr).toMatch(/cog\s+37590\s+37590\s+0/);
    expect(result.stderr).toMatch(/Release \d{8}T\d{6}Z-[0-9a-f]{4} publiée/);
    expect(result.code).toBe(0);
    expect(server.hits('/cog/v_mvt_commune_2024.csv')).toBe(1);
  });

  it('stops on a broken file, names file, line and column, and keeps the current release', async () => {
    const store = await openPglite(dataDir);
    const [before] = await store.query<{ release_id: string }>('SELECT release_id FROM current_release');
    await store.close();

    const broken = join(mkdtempSync(join(tmpdir(), 'cog-broken-')), 'v_mvt_commune_2025.csv');
    const lines = readFileSync(MVT, 'utf8').split('\r\n');
    lines[41] = lines[41].replace(/^(\d+),\d{4}-\d{2}-\d{2}/, '$1,01/01/2025');
    writeFileSync(broken, lines.join('\r\n'));
    const result = await dotation(dataDir, 'ingest', 'cog', '--input', `cog=${broken}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain('v_mvt_commune_2025.csv, ligne 42, colonne DATE_EFF');
    expect(result.stderr).toContain('aucune release publiée');

    const again = await openPglite(dataDir);
    const [after] = await again.query<{ release_id: string }>('SELECT release_id FROM current_release');
    await again.close();
    expect(after.release_id).toBe(before.release_id);
  });

  it('refuses to open a PGlite directory another process holds, naming it', async () => {
    const store = await openPglite(dataDir);
    try {
      const result = await dotation(dataDir, 'ingest', 'cog');
      expect(result.code).toBe(1);
      expect(result.stderr).toContain(`ouverte par le processus ${process.pid}`);
    } finally {
      await store.close();
    }
  });

  it('refuses a département the COG does not know before any work (exit 2, valid codes listed), publishing nothing', async () => {
    const result = await dotation(dataDir, 'ingest', 'statistiques-insee', '--sample', '--departement', '999');
    expect(result.code).toBe(2);
    expect(result.stderr).toMatch(/--departement 999 : inconnu du COG \d{4} \(codes valides : 01, 02, .*2A, 2B, .*974, .*\)/);
    expect(result.stderr).not.toContain('Release');
  });

  it('names the source and the file when --input is a directory (exit 1)', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'ban-folder-'));
    const result = await dotation(dataDir, 'ingest', 'ban', '--input', `ban=${folder}`);
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`[ban] ${folder}: ${folder} est un dossier, pas un fichier`);
  });

  it('refuses an unknown source and a malformed --input', async () => {
    expect((await dotation(dataDir, 'ingest', 'inconnue')).stderr).toContain('source inconnue « inconnue »');
    expect((await dotation(dataDir, 'ingest', 'cog', '--input', 'cog')).stderr).toContain('--input attend <source>=<chemin|url>');
  });
});
