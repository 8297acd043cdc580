import { randomBytes } from 'node:crypto';
import { link, mkdir, open, rename, unlink } from 'node:fs/promises';
import path from 'node:path';

/**
 * Files that hold keys and certificates: written whole or not at all, synced, and never left
 * half-written by a crash.
 */

/**
 * Writes a file whole (temporary file, fsync, rename), replacing what was there, and creates its
 * folder with 0700 when missing: a gateway renewing its key, a saved configuration.
 */
export async function writeFileAtomic(file: string, contents: string, mode: number): Promise<void> {
  const dir = path.dirname(file);
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const temp = await writeTemp(file, contents, mode);
  try {
    await rename(temp, file);
  } catch (error) {
    await unlink(temp).catch(() => {});
    throw error;
  }
  await syncFolder(dir);
}

/** A private key file: readable by its owner only. */
export async function writePrivateFile(file: string, contents: string): Promise<void> {
  await writeFileAtomic(file, contents, 0o600);
}

/**
 * Writes `file` only if it does not exist yet. The content goes whole under a temporary name and
 * is then linked into place: link (unlike rename) fails when the file exists, so two processes
 * creating it at once both end up with the first one's.
 */
export async function writeNewFile(file: string, contents: string, mode: number): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true, mode: 0o700 });
  const temp = await writeTemp(file, contents, mode);
  try {
    await link(temp, file);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
  } finally {
    await unlink(temp);
  }
  await syncFolder(path.dirname(file));
}

async function writeTemp(file: string, contents: string, mode: number): Promise<string> {
  const temp = `${file}.${process.pid}.${randomBytes(4).toString('hex')}.tmp`;
  const handle = await open(temp, 'wx', mode);
  try {
    // open's mode is cut by the umask; chmod makes a 0644 certificate 0644 whatever the umask.
    await handle.chmod(mode);
    await handle.writeFile(contents);
    await handle.sync();
  } catch (error) {
    await handle.close();
    await unlink(temp).catch(() => {});
    throw error;
  }
  await handle.close();
  return temp;
}

// Without this a crash right after the rename or link can lose the new name though its data was synced.
async function syncFolder(dir: string): Promise<void> {
  const handle = await open(dir, 'r');
  try {
    await handle.sync();
  } finally {
    await handle.close();
  }
}
