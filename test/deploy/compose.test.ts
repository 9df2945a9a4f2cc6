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

interface ScaleService extends ComposeService {
  image?: string;
  command?: string[];
  depends_on?: Record<string, { condition: string }>;
}
const scale = parse(readFileSync(path.join(root, 'compose.scale.yaml'), 'utf8'), { merge: true }) as {
  services: Record<string, ScaleService>;
  volumes: Record<string, unknown>;
};

describe('compose.scale.yaml', () => {
  const { gateway, worker, redis, postgres } = scale.services;
  const imageCommand = commandOf(args('CMD')[0] ?? '');

  it('runs a gateway and two workers of this image, from the same .env, on Redis and PostgreSQL', () => {
    expect(Object.keys(scale.services).sort()).toEqual(['gateway', 'postgres', 'redis', 'worker']);
    for (const [service, role] of [
      [gateway, 'gateway'],
      [worker, 'worker'],
    ] as const) {
      expect(service?.build).toBe('.');
      expect(service?.env_file).toBe('.env');
      // The image's command with the role in place of `start`.
      expect(service?.command).toEqual([...imageCommand.slice(0, -1), role]);
      const environment = (service?.environment ?? {}) as Record<string, string>;
      expect(Object.keys(environment).filter((name) => !(name in configSchema.shape))).toEqual([]);
      expect(environment['REDIS_URL']).toMatch(/^redis:\/\/redis:6379$/);
      expect(environment['DATABASE_URL']).toMatch(
        /^postgres:\/\/threadpaint:\$\{POSTGRES_PASSWORD.*\}@postgres:5432\/threadpaint$/,
      );
      expect(service?.depends_on).toEqual({
        redis: { condition: 'service_healthy' },
        postgres: { condition: 'service_healthy' },
      });
    }
    expect(worker?.deploy?.replicas).toBe(2);
  });

  it('publishes only the gateway, checks every process as the image does, and keeps Redis and PostgreSQL on volumes', () => {
    expect(gateway?.ports?.map((port) => port.split(':').at(-1))).toEqual([imageEnv['PORT']]);
    expect(worker?.ports).toBeUndefined();
    const image = parseHealthcheck(args('HEALTHCHECK')[0] ?? '');
    for (const service of [gateway, worker]) {
      expect(service?.healthcheck?.test).toEqual(['CMD-SHELL', image.command[2]]);
      expect(Number.parseInt(service?.stop_grace_period ?? '0', 10)).toBeGreaterThanOrEqual(10);
    }
    expect(gateway?.volumes?.[0]?.split(':')[1]).toBe(imageEnv['DATA_DIR']);
    for (const service of [redis, postgres, gateway]) {
      const [name] = (service?.volumes?.[0] ?? '').split(':');
      expect(scale.volumes).toHaveProperty(name as string);
    }
    expect(redis?.healthcheck?.test).toEqual(['CMD', 'redis-cli', 'ping']);
    expect(postgres?.healthcheck?.test?.[1]).toContain('pg_isready');
  });
});
