import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { Camunda8 } from '@camunda8/sdk';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { loadConfig } from '../../server/config.js';

// Docker cannot run on CI machines: these checks keep docker-compose.yml and the Dockerfile consistent
// with each other and with Okno's configuration instead.
const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const read = (file: string) => fs.readFileSync(path.join(ROOT, file), 'utf8');

interface Service {
  image?: string;
  build?: unknown;
  environment?: Record<string, string> | string[];
  depends_on?: Record<string, { condition: string }>;
  healthcheck?: { test: string[] };
  ports?: string[];
  configs?: { source: string; target: string }[];
}
const compose = parse(read('docker-compose.yml')) as {
  services: Record<string, Service>;
  configs: Record<string, { content: string }>;
  volumes: Record<string, unknown>;
};

/** What an operator must provide (`${NAME:?message}` in the file): compose refuses to start without it. */
const PROVIDED: Record<string, string> = { OKNO_DB_PASSWORD: 'chosen-by-the-operator' };
/** Compose interpolation with the defaults of the file (`${NAME:-default}`) and the required values above. */
const interpolate = (value: string) =>
  value
    .replace(/\$\{(\w+):-([^}]*)\}/g, (_m, _name: string, fallback: string) => fallback)
    .replace(/\$\{(\w+):\?[^}]*\}/g, (_m, name: string) => {
      if (!(name in PROVIDED)) throw new Error(`${name} is required by docker-compose.yml`);
      return PROVIDED[name];
    });
const envOf = (service: Service): Record<string, string> => {
  const env = service.environment ?? {};
  const pairs = Array.isArray(env)
    ? env.map((e) => e.split(/=(.*)/s).slice(0, 2) as [string, string])
    : Object.entries(env);
  return Object.fromEntries(pairs.map(([k, v]) => [k, interpolate(String(v))]));
};

describe('deployment: docker-compose.yml and Dockerfile', () => {
  const { okno, postgres, orchestration, elasticsearch } = compose.services;

  it('given the compose file, then it runs PostgreSQL, Elasticsearch, a Camunda 8.8 orchestration cluster and Okno built from the repository', () => {
    expect(Object.keys(compose.services).sort()).toEqual(['elasticsearch', 'okno', 'orchestration', 'postgres']);
    expect(interpolate(orchestration.image!)).toMatch(/^camunda\/camunda:8\.8\.\d+$/);
    expect(interpolate(postgres.image!)).toMatch(/^postgres:(1[3-9]|[2-9]\d)/);
    expect(okno.build).toBe('.');
  });

  it("given Okno's environment in the compose file, then server/config.ts accepts it as an external-engine setup on PostgreSQL", () => {
    const config = loadConfig(envOf(okno));
    expect(config).toMatchObject({
      ENGINE: 'external',
      HOST: '0.0.0.0',
      isProduction: true,
      CAMUNDA_AUTH_STRATEGY: 'NONE',
    });
    expect(config.sdkEnv).toMatchObject({
      ZEEBE_GRPC_ADDRESS: 'grpc://orchestration:26500',
      ZEEBE_REST_ADDRESS: 'http://orchestration:8080',
      CAMUNDA_AUTH_STRATEGY: 'NONE',
    });
    // The SDK accepts the addresses (it validates ZEEBE_GRPC_ADDRESS when constructed; nothing connects here).
    expect(() => new Camunda8(config.sdkEnv as ConstructorParameters<typeof Camunda8>[0])).not.toThrow();
    const db = new URL(config.DATABASE_URL!);
    const pg = envOf(postgres);
    expect([db.hostname, db.port, db.username, db.password, db.pathname]).toEqual([
      'postgres',
      '5432',
      pg.POSTGRES_USER,
      pg.POSTGRES_PASSWORD,
      `/${pg.POSTGRES_DB}`,
    ]);
  });

  it('given the production-like setup, then it asks for the database password, seeds no demo accounts and keeps the unprotected cluster on loopback', () => {
    expect(read('docker-compose.yml')).not.toMatch(/OKNO_DB_PASSWORD:-/);
    expect(read('docker-compose.yml')).toMatch(/POSTGRES_PASSWORD: \$\{OKNO_DB_PASSWORD:\?/);
    const config = loadConfig(envOf(okno));
    expect(config.SEED_DEMO).toBe(false);
    expect(config.SEED_DEMO_PUBLISH).toBe(false);
    for (const port of orchestration.ports ?? []) expect(port).toMatch(/^127\.0\.0\.1:/);
  });

  it('given the dependencies between services, then each waits for a service with a health check, and the Camunda cluster stores into that Elasticsearch', () => {
    for (const [name, service] of Object.entries(compose.services)) {
      expect(service.healthcheck?.test.length, `${name} has a health check`).toBeGreaterThan(0);
      for (const [dep, { condition }] of Object.entries(service.depends_on ?? {})) {
        expect(compose.services[dep], `${name} depends on ${dep}`).toBeDefined();
        expect(condition).toBe('service_healthy');
      }
    }
    expect(Object.keys(okno.depends_on!).sort()).toEqual(['orchestration', 'postgres']);
    expect(Object.keys(orchestration.depends_on!)).toEqual(['elasticsearch']);
    expect(elasticsearch.image).toContain('elasticsearch');
    const mounted = orchestration.configs!.find((c) => c.target === '/usr/local/camunda/config/application.yaml')!;
    const camunda = (parse(compose.configs[mounted.source].content) as { camunda: any }).camunda;
    expect(camunda.data['secondary-storage']).toMatchObject({
      type: 'elasticsearch',
      elasticsearch: { url: 'http://elasticsearch:9200' },
    });
    expect(camunda.security.authentication.unprotectedApi).toBe(true);
  });

  it('given the Dockerfile, then the image holds every directory the server reads at run time and .dockerignore keeps them', () => {
    const dockerfile = read('Dockerfile');
    const ignored = read('.dockerignore')
      .split('\n')
      .map((l) => l.trim())
      .filter(Boolean);
    for (const dir of ['server', 'migrations', 'workflows', 'forms']) {
      expect(dockerfile).toMatch(new RegExp(`^COPY ${dir} \\./${dir}$`, 'm'));
      expect(ignored).not.toContain(dir);
    }
    expect(dockerfile).toContain('COPY --from=build /app/dist/client ./dist/client');
    expect(dockerfile).toMatch(/^CMD \["node", "--import", "tsx", "server\/main\.ts"\]$/m);
    expect(JSON.parse(read('package.json')).dependencies).toHaveProperty('tsx');
  });
});
