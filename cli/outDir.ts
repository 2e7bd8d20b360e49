/**
 * The folder a command writes its reports to, made ready before any work
 * starts, so that a bad `--out` is one line up front and never a stack trace
 * after a long run.
 */
import { access, mkdir, stat } from 'node:fs/promises';
import { constants } from 'node:fs';
import { dirname, resolve } from 'node:path';

import { UsageError } from './usage.ts';

/**
 * Creates `dir` (and missing parents, one at a time: Node's recursive mkdir
 * loops forever under /proc) and checks that it is a writable folder.
 * Returns its absolute path; throws `UsageError` saying what is wrong.
 */
export async function prepareOutDir(dir: string): Promise<string> {
  if (dir.trim() === '') throw new UsageError('--out needs a folder name');
  const absolute = resolve(dir);
  await ensureFolder(absolute, dir);
  try {
    await access(absolute, constants.W_OK);
  } catch (error) {
    throw new UsageError(`cannot write to --out folder ${dir} (${codeOf(error)})`, { cause: error });
  }
  return absolute;
}

async function ensureFolder(path: string, shown: string): Promise<void> {
  const found = await stat(path).catch((error: unknown) => {
    if (codeOf(error) === 'ENOENT') return null;
    throw new UsageError(`cannot use --out folder ${shown} (${codeOf(error)})`, { cause: error });
  });
  if (found !== null) {
    if (!found.isDirectory()) throw new UsageError(`--out ${shown}: ${path} is a file, not a folder`);
    return;
  }
  const parent = dirname(path);
  if (parent !== path) await ensureFolder(parent, shown);
  try {
    await mkdir(path);
  } catch (error) {
    if (codeOf(error) === 'EEXIST') return;
    throw new UsageError(`cannot create --out folder ${shown} (${codeOf(error)})`, { cause: error });
  }
}

function codeOf(error: unknown): string {
  return error instanceof Error && 'code' in error && typeof error.code === 'string' ? error.code : String(error);
}
