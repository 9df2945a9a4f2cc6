import { readFileSync } from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { configSchema } from '../../src/config/config-schema.js';
import { commandOf, instructionsOf, parseDockerfile, parseEnv, parseHealthcheck } from './dockerfile.js';

const root = path.resolve(import.meta.dirname, '../..');
const runtime = parseDockerfile(readFileSync(path.join(root, 'Dockerfile'), 'utf8')).at(-1);
const args = (keyword: string) => (runtime ? instructionsOf(runtime, keyword).map((line) => line.args) : []);
const imageEnv = Object.assign({}, ...args('ENV').map(parseEnv)) as Record<string, string>;

interface ComposeService {
  build?: string;
  env_file?: string | string[];
  environment?: Record<string, string> | string[];
  ports?: string[];
  volumes?: string[];
  healthcheck?: { test: string[]; interval?: string; timeout?: string; start_period?: string };
  stop_grace_period?: string;
  deploy?: { replicas?: number };
}
const compose = parse(readFileSync(path.join(root, 'compose.yaml'), 'utf8')) as {
  services: Record<string, ComposeService>;
  volumes: Record<string, unknown>;
};

describe('compose.yaml', () => {
  const services = Object.values(compose.services);
  const service = services[0] as ComposeService;

  it('runs one bot, built from this Dockerfile and configured from .env', () => {
    expect(services).toHaveLength(1);
    expect(service.build).toBe('.');
    expect(service.env_file).toBe('.env');
    expect(service.deploy?.replicas ?? 1).toBe(1);
    const environment = Object.keys(service.environment ?? {});
    expect(environment.filter((name) => !(name in configSchema.shape))).toEqual([]);
  });

  it('mounts a named volume where the image keeps DATA_DIR and publishes the port the image listens on', () => {
    const [volume] = args('VOLUME').map((line) => commandOf(line)[0]);
    expect(volume).toBe(imageEnv['DATA_DIR']);
    const [name, target] = (service.volumes?.[0] ?? '').split(':');
    expect(target).toBe(volume);
    expect(compose.volumes).toHaveProperty(name as string);
    expect(args('EXPOSE')).toEqual([imageEnv['PORT']]);
    expect(service.ports?.map((port) => port.split(':').at(-1))).toEqual([imageEnv['PORT']]);
  });

  it('checks health as the image does, and waits out the shutdown before killing', () => {
    const [line] = args('HEALTHCHECK');
    const image = parseHealthcheck(line ?? '');
    expect(service.healthcheck?.test).toEqual(['CMD-SHELL', image.command[2]]);
    expect(service.healthcheck).toMatchObject({
      interval: image.options['interval'],
      timeout: image.options['timeout'],
      start_period: image.options['start-period'],
    });
    expect(Number.parseInt(service.stop_grace_period ?? '0', 10)).toBeGreaterThanOrEqual(10);
  });
});
