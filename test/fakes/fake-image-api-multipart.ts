import type { FakeFormPart } from './fake-image-api-types.js';

/** Parses a `multipart/form-data` body with the platform's own parser; undefined when it is not valid multipart. */
export async function parseMultipart(
  bytes: Buffer | undefined,
  contentType: string | undefined,
): Promise<FakeFormPart[] | undefined> {
  if (!bytes || !contentType?.toLowerCase().startsWith('multipart/form-data')) return undefined;
  try {
    const form = await new Response(bytes, { headers: { 'content-type': contentType } }).formData();
    const parts: FakeFormPart[] = [];
    for (const [name, value] of form.entries()) {
      if (typeof value === 'string') parts.push({ name, value });
      else parts.push({ name, filename: value.name, type: value.type, bytes: Buffer.from(await value.arrayBuffer()) });
    }
    return parts;
  } catch {
    return undefined;
  }
}

/** The text fields of a multipart body, as a plain object (the last value of a repeated name wins). */
export function fieldsOf(parts: readonly FakeFormPart[]): Record<string, string> {
  const fields: Record<string, string> = {};
  for (const part of parts) if (part.value !== undefined) fields[part.name] = part.value;
  return fields;
}
