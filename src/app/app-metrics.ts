import type { Config } from '../config/config.js';
import type { ConversationEngine } from '../core/engine/conversation-engine.js';
import type { ImageProvider } from '../core/image-provider.js';
import { imageProviderErrorCodes } from '../core/image-provider-error.js';
import type { ChatPlatform, PlatformAckObserver, PlatformApiObserver } from '../core/platform/chat-platform.js';
import { jobStates } from '../core/records.js';
import { userFacingCodes } from '../core/user-facing-error.js';
import type { ImagePipeline } from '../images/image-pipeline.js';
import { createMetrics, type ThreadpaintMetrics } from '../metrics/metrics.js';
import type { UpstreamObserver } from '../providers/http-image-provider.js';
import type { JobOutcome } from './outcome-log.js';

/** The process's metrics (`METRICS`), labelled with the catalogue's model ids and the closed sets of codes. */
export function createAppMetrics(config: Config): ThreadpaintMetrics | undefined {
  if (!config.metricsEnabled) return undefined;
  return createMetrics({
    models: config.catalogue.list().map((model) => model.id),
    outcomes: jobStates,
    errorCodes: [...imageProviderErrorCodes, ...userFacingCodes, 'internal', 'interrupted'],
  });
}

/** Counts what the engine does: time in queue when a job starts, quota refusals. Returns the unsubscribe. */
export function observeEngine(engine: Pick<ConversationEngine, 'onEvent' | 'onRefusal'>, metrics: ThreadpaintMetrics) {
  const stopEvents = engine.onEvent((event) => {
    if (event.type !== 'started') return;
    const { job } = event;
    const queuedMs = (job.startedAt ?? job.updatedAt) - job.createdAt;
    metrics.jobStarted({ platform: job.platform, queuedSeconds: Math.max(0, queuedMs) / 1000 });
  });
  const stopRefusals = engine.onRefusal((scope, code) => {
    if (code === 'quota_exceeded') metrics.quotaRefused(scope.platform);
  });
  return () => {
    stopEvents();
    stopRefusals();
  };
}

/** The outcome log's record of a job that ended, counted: jobs by outcome, duration, cost units. */
export function countOutcome(metrics: ThreadpaintMetrics) {
  return (outcome: JobOutcome): void =>
    metrics.jobEnded({
      outcome: outcome.outcome,
      model: outcome.model,
      platform: outcome.platform,
      durationSeconds: outcome.durationMs / 1000,
      costUnits: outcome.costUnits,
    });
}

/** The image API client's calls and retries, counted. */
export function upstreamObserver(metrics: ThreadpaintMetrics): UpstreamObserver {
  return {
    call: (observed) => metrics.upstreamCall(observed),
    retry: (code) => metrics.upstreamRetried(code),
  };
}

/** Image bytes received from the image API, counted per model. */
export function observedProvider(provider: ImageProvider, metrics: ThreadpaintMetrics): ImageProvider {
  return {
    name: provider.name,
    offline: provider.offline,
    async generate(request, options) {
      const result = await provider.generate(request, options);
      const bytes = result.images.reduce((sum, image) => sum + image.bytes.byteLength, 0);
      if (bytes > 0) metrics.upstreamBytes(request.model.id, bytes);
      return result;
    },
  };
}

/** Generated images re-encoded to fit a platform's upload cap, counted. */
export function observedPipeline(pipeline: ImagePipeline, metrics: ThreadpaintMetrics): ImagePipeline {
  return {
    ...pipeline,
    async prepareOutput(bytes, target) {
      const prepared = await pipeline.prepareOutput(bytes, target);
      if (prepared.reencoded) metrics.reencoded();
      return prepared;
    },
  };
}

/** Each platform's deliveries, counted in image bytes handed to it. */
export function observedPlatforms(platforms: readonly ChatPlatform[], metrics: ThreadpaintMetrics): ChatPlatform[] {
  return platforms.map((platform) => {
    const observed: ChatPlatform = Object.create(platform);
    observed.deliver = async (context) => {
      const ids = await platform.deliver(context);
      const bytes = context.images.reduce((sum, image) => sum + image.bytes.byteLength, 0);
      metrics.delivered(platform.name, bytes);
      return ids;
    };
    return observed;
  });
}

/** What a platform's config takes to count its API calls, rate limits and acknowledgements. */
export function platformObservers(metrics: ThreadpaintMetrics | undefined): {
  onApiCall?: PlatformApiObserver;
  onAck?: PlatformAckObserver;
} {
  if (!metrics) return {};
  return {
    onApiCall: (call) => metrics.apiCall(call),
    onAck: (ack) => metrics.acknowledged(ack.platform, ack.seconds),
  };
}
