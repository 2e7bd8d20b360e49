import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

import { expect } from 'chai';

import {
  EXIT_GRACE_MS,
  ProcessConnection,
  describeConnectionFailure,
  failureDetailLines,
  type Exchange,
} from '../../models/processConnection.ts';
import { ProtocolSchemas } from '../../models/protocol.ts';
import { running } from '../fakes/processes.ts';

const schemas = ProtocolSchemas.load();
const HELLO = { version: 1 };

/** A connection to `node -e <script>`: plain Node, quick to start. */
function nodeScript(script: string, maxLineCharacters?: number): ProcessConnection {
  return ProcessConnection.start({
    argv: [process.execPath, '-e', script],
    schemas,
    ...(maxLineCharacters !== undefined ? { maxLineCharacters } : {}),
  });
}


function reason(exchange: Exchange): string {
  if (exchange.kind !== 'failed') throw new Error(`expected a failure, got ${JSON.stringify(exchange)}`);
  return describeConnectionFailure(exchange.failure);
}

/** How many pipes and processes of this process keep its event loop alive. */
function liveHandles(): number {
  return process.getActiveResourcesInfo().filter((kind) => kind === 'PipeWrap' || kind === 'ProcessWrap').length;
}

/** A script that starts `sleep 20` in a session of its own, on its standard output and error, and writes its pid to `pidFile`. */
function leavingGrandchild(pidFile: string): string {
  return `const g = require('child_process').spawn('sleep', ['20'], {detached: true, stdio: ['ignore', 'inherit', 'inherit']}); g.unref(); require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid));`;
}

async function waitFor(file: string): Promise<number> {
  for (let tries = 0; tries < 200 && (!existsSync(file) || readFileSync(file, 'utf8') === ''); tries += 1) {
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  return Number(readFileSync(file, 'utf8'));
}

describe('models/processConnection', () => {
  it('answers a request with the reply of the same id', async () => {
    const connection = nodeScript(
      "require('readline').createInterface({input: process.stdin}).on('line', (l) => console.log(JSON.stringify({id: JSON.parse(l).id, result: {version: 1, name: 'echo'}})))",
    );
    const exchange = await connection.request('hello', HELLO, 5000);
    await connection.close();
    expect(exchange).to.deep.equal({ kind: 'result', reply: { id: 1, result: { version: 1, name: 'echo' } } });
  });

  it('reports an exit with its code and the tail of standard error', async () => {
    const connection = nodeScript("process.stderr.write('one\\ntwo\\nlast words\\n'); process.exit(4)");
    const exchange = await connection.request('hello', HELLO, 5000);
    expect(reason(exchange)).to.equal('the implementation process exited with code 4 (stderr: last words)');
    if (exchange.kind === 'failed') {
      expect(failureDetailLines(exchange.failure)).to.deep.equal(['stderr of the implementation process:', '  one', '  two', '  last words']);
    }
  });

  it('reports death by a signal', async () => {
    const connection = nodeScript("process.kill(process.pid, 'SIGSEGV')");
    expect(reason(await connection.request('hello', HELLO, 5000))).to.equal('the implementation process was killed by SIGSEGV');
  });

  it('ends the connection at a line longer than the limit, without waiting for its end', async () => {
    const connection = nodeScript("process.stdout.write('x'.repeat(5000)); setInterval(() => {}, 1000)", 1000);
    const begun = performance.now();
    expect(reason(await connection.request('hello', HELLO, 5000))).to.equal(
      'the implementation process wrote a line longer than 1000 characters',
    );
    expect(performance.now() - begun).to.be.below(4000);
  });

  it('ends the connection at a reply that no request waits for', async () => {
    const connection = nodeScript("console.log(JSON.stringify({id: 7, result: null})); setInterval(() => {}, 1000)");
    await new Promise((resolve) => setTimeout(resolve, 500));
    expect(reason(await connection.request('hello', HELLO, 5000))).to.equal(
      'the implementation process answered request 7, but no request was waiting',
    );
  });

  it('ends the connection at JSON that is not a reply', async () => {
    const connection = nodeScript("process.stdin.once('data', () => console.log('[1, 2]')); setInterval(() => {}, 1000)");
    expect(reason(await connection.request('hello', HELLO, 5000))).to.match(
      /^the implementation process wrote a line that is not a reply \(.+\): "\[1, 2\]"$/,
    );
  });

  it('kills the whole process group at a timeout, what the process started included', async () => {
    const pidFile = join(mkdtempSync(join(tmpdir(), 'child-spec-group-')), 'grandchild.pid');
    const connection = nodeScript(
      `const g = require('child_process').spawn('sleep', ['30'], {stdio: 'ignore'}); require('fs').writeFileSync(${JSON.stringify(pidFile)}, String(g.pid)); setInterval(() => {}, 1000)`,
    );
    const grandchild = await waitFor(pidFile);
    expect(running(grandchild)).to.equal(true);
    expect(reason(await connection.request('hello', HELLO, 300))).to.equal('no reply to hello within 300 ms; the process was killed');
    await connection.close();
    await new Promise((resolve) => setTimeout(resolve, 100));
    expect(running(grandchild)).to.equal(false);
  });

  it('kills a process that does not exit when its input is closed', async () => {
    const connection = nodeScript("process.stdin.resume(); process.stdin.on('end', () => {}); setInterval(() => {}, 1000)");
    const pid = connection.pid;
    const begun = performance.now();
    await connection.close();
    expect(performance.now() - begun).to.be.below(EXIT_GRACE_MS + 2000);
    expect(running(pid)).to.equal(false);
  });

  it('answers every request after the end at once, with the failure that ended it', async () => {
    const connection = nodeScript('process.exit(0)');
    await connection.request('hello', HELLO, 5000);
    const begun = performance.now();
    expect(reason(await connection.request('create', {}, 5000))).to.equal('the implementation process exited with code 0');
    expect(performance.now() - begun).to.be.below(100);
  });

  describe('with a grandchild that left the process group and holds the pipes', () => {
    const grandchildren: number[] = [];
    after(() => {
      for (const pid of grandchildren) {
        try {
          process.kill(pid, 'SIGKILL');
        } catch {
          /* gone already */
        }
      }
    });

    it('lets go of the pipes once the killed process exited, and close does not wait for the grandchild', async () => {
      const pidFile = join(mkdtempSync(join(tmpdir(), 'child-spec-leave-')), 'grandchild.pid');
      const before = liveHandles();
      const connection = nodeScript(`${leavingGrandchild(pidFile)} setInterval(() => {}, 1000)`);
      const grandchild = await waitFor(pidFile);
      grandchildren.push(grandchild);
      expect(reason(await connection.request('hello', HELLO, 300))).to.equal('no reply to hello within 300 ms; the process was killed');
      const begun = performance.now();
      await connection.close();
      expect(performance.now() - begun).to.be.below(EXIT_GRACE_MS);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(liveHandles(), 'pipes or processes still keep the loop alive').to.equal(before);
      expect(running(grandchild), 'the grandchild outlives the check').to.equal(true);
    });

    it('still reports the tail of standard error of a process that exits, and then lets go of the pipes', async () => {
      const pidFile = join(mkdtempSync(join(tmpdir(), 'child-spec-leave-')), 'grandchild.pid');
      const before = liveHandles();
      const connection = nodeScript(`${leavingGrandchild(pidFile)} process.stderr.write('last words\\n'); process.exit(4)`);
      const begun = performance.now();
      const exchange = await connection.request('hello', HELLO, 5000);
      grandchildren.push(await waitFor(pidFile));
      expect(reason(exchange)).to.equal('the implementation process exited with code 4 (stderr: last words)');
      expect(performance.now() - begun).to.be.below(4000);
      await new Promise((resolve) => setTimeout(resolve, 50));
      expect(liveHandles(), 'pipes or processes still keep the loop alive').to.equal(before);
      await connection.close();
    });
  });
});
