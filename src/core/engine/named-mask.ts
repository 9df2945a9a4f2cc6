import { dialectSupport } from '../models/dialect-support.js';
import type { ModelCatalogue } from '../models/model-catalogue.js';
import type { JobInput } from '../records.js';
import type { InboundRequest } from './engine-types.js';

/** `mask.png`, `photo-mask.webp`, `Mask 2.png`; not `masked-ball.jpg`. */
const maskName = /(^|[^a-z])mask([^a-z]|$)/i;

/**
 * A last attachment named as a mask is one, without `--mask`, when there is an image before it to edit and the
 * model takes masks through its gateway. Elsewhere it stays an ordinary reference image, as before.
 */
export function withNamedMask(
  input: JobInput,
  inbound: InboundRequest,
  context: { readonly catalogue: ModelCatalogue; readonly defaultModel: string },
): JobInput {
  if (input.mask !== undefined) return input;
  // Files fetched at the job's start come after the attachments, in the order they were shared.
  const names = [
    ...(inbound.attachments ?? []).map((image) => image.name),
    ...(inbound.files ?? []).map((file) => file['name']),
  ];
  const last = names.at(-1);
  if (!last || !maskName.test(last)) return input;
  const before = (inbound.action === 'edit' ? 1 : 0) + input.attachments.length + names.length - 1;
  if (before < 1) return input;
  const model = context.catalogue.find(input.model ?? context.defaultModel);
  if (!model?.mask || !dialectSupport(model).mask) return input;
  return { ...input, mask: true };
}
