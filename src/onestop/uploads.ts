import { createHash } from 'node:crypto';
import { DomainError } from '../platform/errors.ts';

/**
 * Uploaded materials: what a file is, decided by its first bytes (never by its name or the
 * browser's content type, which the sender chooses), and the name it was sent with made safe to
 * show. The name is display text only: files are stored in the database by id, so no name ever
 * reaches a path.
 */

export const mediaTypes = {
  'application/pdf': { ext: 'pdf', label: 'PDF' },
  'image/jpeg': { ext: 'jpg', label: 'JPEG' },
  'image/png': { ext: 'png', label: 'PNG' },
} as const;
export type MediaType = keyof typeof mediaTypes;

const PNG = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
const JPEG = [0xff, 0xd8, 0xff];
const PDF = [0x25, 0x50, 0x44, 0x46, 0x2d]; // %PDF-

const startsWith = (bytes: Uint8Array, magic: readonly number[]) => bytes.length >= magic.length && magic.every((b, i) => bytes[i] === b);

/** PDF, JPEG or PNG by the signature at the very start of the content; null for anything else. */
export function sniffMediaType(bytes: Uint8Array): MediaType | null {
  if (startsWith(bytes, PDF)) return 'application/pdf';
  if (startsWith(bytes, PNG)) return 'image/png';
  if (startsWith(bytes, JPEG)) return 'image/jpeg';
  return null;
}

/** Longest display name, in characters: long enough for a real name, short enough for a table cell. */
export const MAX_NAME = 100;

// Control characters (C0, DEL, C1), and the bidirectional overrides that make "gpj.exe" show as "exe.jpg".
const UNSAFE = /[\u0000-\u001F\u007F-\u009F\u200E\u200F\u202A-\u202E\u2066-\u2069\uFEFF]/g;
// Characters Windows refuses in names; a name downloaded again must be a name every system takes.
const RESERVED = /[<>:"|?*]/g;

/**
 * The client's file name as safe display text: only its last path component (../../etc/passwd
 * becomes passwd, C:\fakepath\x.pdf x.pdf), no control or direction-changing characters, no
 * leading dots, at most MAX_NAME characters, and the extension of what the file really is.
 * A name with nothing left becomes the type's default ("file.pdf").
 */
export function displayName(sent: string, type: MediaType): string {
  const ext = mediaTypes[type].ext;
  const last = sent.normalize('NFC').split(/[/\\]/).pop() ?? '';
  let name = last.replace(/[\t\n\v\f\r]/g, ' ').replace(UNSAFE, '').replace(RESERVED, '_').replace(/\s+/g, ' ').trim().replace(/^[.\s]+/, '').replace(/[.\s]+$/, '');
  // The extension says what the file is: a PNG sent as x.pdf is shown, and downloaded, as x.png.
  name = name.replace(/\.(pdf|jpe?g|png|jfif)$/i, '').replace(/[.\s]+$/, '');
  const chars = [...name];
  if (chars.length > MAX_NAME - ext.length - 1) name = chars.slice(0, MAX_NAME - ext.length - 1).join('').trim();
  return `${name || 'file'}.${ext}`;
}

export interface Upload {
  /** The name the browser sent; display text only. */
  filename: string;
  content: Buffer;
  /** True when the sender sent more than the limit (the rest was not kept). */
  truncated: boolean;
}

export interface CheckedUpload {
  displayName: string;
  mediaType: MediaType;
  size: number;
  sha256: string;
  content: Buffer;
}

export type UploadProblemCode = 'fileMissing' | 'fileTooLarge' | 'fileType' | 'fileEmpty';

/** An upload refused: the code tells the page what to say; the message says it in English for the API. */
export function uploadProblem(code: UploadProblemCode, field: string, message: string, params?: Record<string, string | number>): DomainError {
  return new DomainError(code === 'fileTooLarge' ? 'payload_too_large' : code === 'fileType' ? 'unsupported_media_type' : 'invalid_input', message, { field, problem: code, ...(params && { params }) });
}

/** Accepts a PDF, JPEG or PNG of at most maxBytes; throws the problem a person can act on. */
export function checkUpload(field: string, upload: Upload | null, maxBytes: number): CheckedUpload {
  if (!upload || (upload.filename === '' && upload.content.length === 0)) throw uploadProblem('fileMissing', field, 'choose a file to upload');
  const megabytes = Math.round((maxBytes / 1024 / 1024) * 10) / 10;
  if (upload.truncated || upload.content.length > maxBytes) {
    throw uploadProblem('fileTooLarge', field, `the file is larger than ${megabytes} MB (${maxBytes} bytes); make it smaller (scan at a lower resolution) and upload it again`, { max: megabytes });
  }
  if (upload.content.length === 0) throw uploadProblem('fileEmpty', field, 'the file is empty');
  const type = sniffMediaType(upload.content);
  if (!type) throw uploadProblem('fileType', field, 'the file is not a PDF, JPEG or PNG (judged by its content, not its name)');
  return {
    displayName: displayName(upload.filename, type), mediaType: type, size: upload.content.length,
    sha256: createHash('sha256').update(upload.content).digest('hex'), content: upload.content,
  };
}

/** A content-disposition header that every browser reads and that no name can break out of. */
export function attachmentHeader(name: string): string {
  const ascii = name.replace(/[^\x20-\x7E]/g, '_').replace(/["\\]/g, '_');
  return `attachment; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(name).replace(/['()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`)}`;
}
