import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import { openDatabase } from '../../../server/platform/db.js';

/** Inodes of the TCP sockets this process listens on (from /proc: its file descriptors × the kernel's socket tables). */
function ownListeningTcpInodes(): Set<string> {
  const mine = new Set<string>();
  for (const fd of fs.readdirSync('/proc/self/fd')) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(fs.readlinkSync(`/proc/self/fd/${fd}`));
      if (m) mine.add(m[1]);
    } catch {
      // the descriptor closed meanwhile
    }
  }
  const listening = new Set<string>();
  for (const table of ['/proc/net/tcp', '/proc/net/tcp6']) {
    if (!fs.existsSync(table)) continue;
    for (const line of fs.readFileSync(table, 'utf8').split('\n').slice(1)) {
      const cols = line.trim().split(/\s+/);
      // st 0A = LISTEN; column 9 is the inode.
      if (cols[3] === '0A' && mine.has(cols[9])) listening.add(cols[9]);
    }
  }
  return listening;
}

describe.skipIf(process.platform !== 'linux')(
  'embedded database (PGlite): served on a private Unix socket, never on TCP',
  () => {
    const dataDir = fs.mkdtempSync(path.join(os.tmpdir(), 'okno-dbsock-'));
    afterAll(() => fs.rmSync(dataDir, { recursive: true, force: true }));

    it('given no DATABASE_URL, when the database opens, then it listens on no TCP port, its socket sits in a 0700 directory inside DATA_DIR, and pg queries it through that socket', async () => {
      const before = ownListeningTcpInodes();
      const db = await openDatabase({ dataDir, poolMax: 2 });
      try {
        const opened = [...ownListeningTcpInodes()].filter((i) => !before.has(i));
        expect(opened).toEqual([]);
        expect(db.kind).toBe('pglite');
        expect(db.socketDir).toBe(path.join(dataDir, 'pglite-socket'));
        expect(fs.statSync(db.socketDir!).mode & 0o777).toBe(0o700);
        expect(fs.statSync(path.join(dataDir, 'pglite')).mode & 0o777).toBe(0o700);
        expect(fs.statSync(path.join(db.socketDir!, '.s.PGSQL.5432')).isSocket()).toBe(true);
        // The connection URL names no TCP host: its host is the socket directory.
        expect(new URL(db.url).hostname).not.toMatch(/^(127\.0\.0\.1|localhost|\[::1\])$/);
        expect(await db.ping()).toBe(true);
        const client = new pg.Client({ host: db.socketDir, port: 5432, user: 'postgres', database: 'postgres' });
        await client.connect();
        try {
          expect((await client.query('select 1 as one')).rows).toEqual([{ one: 1 }]);
        } finally {
          await client.end();
        }
      } finally {
        await db.close();
      }
    });

    it('given a socket file left by a killed process, when the database opens again, then it replaces it and serves', async () => {
      const socket = path.join(dataDir, 'pglite-socket', '.s.PGSQL.5432');
      fs.mkdirSync(path.dirname(socket), { recursive: true });
      fs.writeFileSync(socket, '');
      const db = await openDatabase({ dataDir, poolMax: 2 });
      try {
        expect(await db.ping()).toBe(true);
      } finally {
        await db.close();
      }
      expect(fs.existsSync(socket)).toBe(false);
    });
  },
);
