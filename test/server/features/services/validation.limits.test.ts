import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { largeService } from '../../../bench/services.js';
import type { ApiClient } from '../../../helpers/api.js';
import { startTestOkno, type TestOkno } from '../../../helpers/okno.js';

describe('service models: size and element limits, a time limit, and validation off the event loop', () => {
  describe('with small limits', () => {
    let okno: TestOkno;
    let analyst: ApiClient;
    beforeAll(async () => {
      okno = await startTestOkno({ SERVICE_MODEL_MAX_BYTES: '200000', SERVICE_MODEL_MAX_ELEMENTS: '400' });
      analyst = await okno.signIn('analyst@okno.local');
    });
    afterAll(async () => {
      await okno?.stop();
    });

    it('given a model above SERVICE_MODEL_MAX_BYTES, when validated, saved, created or tried, then 413 model_too_large names the limit and the size', async () => {
      const xml = largeService(1000);
      expect(Buffer.byteLength(xml)).toBeGreaterThan(200_000);
      await analyst.post('/api/services', { code: 'large-service', title: 'Большая услуга', department: 'dep-arch' });
      for (const res of [
        await analyst.post('/api/services/large-service/validate', { xml }),
        await analyst.put('/api/services/large-service/draft', { xml, forms: [] }),
        await analyst.post('/api/services/large-service/try', { xml, answers: {} }),
        await analyst.post('/api/services', { code: 'large-2', title: 'Большая услуга', department: 'dep-arch', xml }),
      ]) {
        expect(res.status).toBe(413);
        expect(res.body.error).toMatchObject({
          code: 'model_too_large',
          message: expect.stringContaining('200000 bytes'),
          details: { unit: 'bytes', limit: 200_000, actual: Buffer.byteLength(xml) },
        });
      }
    });

    it('given a model with more flow elements than SERVICE_MODEL_MAX_ELEMENTS (but few bytes), when validated, then 413 names the element count', async () => {
      const xml = largeService(420);
      expect(Buffer.byteLength(xml)).toBeLessThan(200_000);
      const res = await analyst.post('/api/services/large-service/validate', { xml });
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({
        code: 'model_too_large',
        details: { unit: 'elements', limit: 400, actual: 421 },
      });
      // Below the limits validation answers as always.
      const small = await analyst.post('/api/services/large-service/validate', { xml: largeService(300) });
      expect(small.status).toBe(200);
      expect(small.body).toMatchObject({ valid: expect.any(Boolean), problems: expect.any(Array) });
    });
  });

  describe('with a short time limit', () => {
    let okno: TestOkno;
    let analyst: ApiClient;
    beforeAll(async () => {
      okno = await startTestOkno({ VALIDATION_TIMEOUT_MS: '400', VALIDATION_WORKERS: '1' });
      analyst = await okno.signIn('analyst@okno.local');
      // Creating validates the skeleton; a fresh worker's first run may be slow on a busy machine.
      for (
        let i = 0;
        i < 10 &&
        (
          await analyst.post('/api/services', {
            code: 'large-service',
            title: 'Большая услуга',
            department: 'dep-arch',
          })
        ).status !== 201;
        i++
      );
    });
    afterAll(async () => {
      await okno?.stop();
    });

    it('given a validation that runs past VALIDATION_TIMEOUT_MS, then it is stopped with 413 naming the time limit, and the next validation runs on a fresh worker', async () => {
      // A 5,000-element model takes about 0.7 s or more to validate.
      const res = await analyst.post('/api/services/large-service/validate', { xml: largeService(5000) });
      expect(res.status).toBe(413);
      expect(res.body.error).toMatchObject({
        code: 'model_too_large',
        message: expect.stringContaining('0.4 s'),
        details: { unit: 'seconds', limit: 0.4 },
      });
      // The terminated worker is replaced: a tiny model validates (its worker may still be starting, so allow a few tries).
      let status = 0;
      for (let i = 0; i < 20 && status !== 200; i++)
        status = (await analyst.post('/api/services/large-service/validate', {})).status;
      expect(status).toBe(200);
    });
  });

  describe('latency', () => {
    let okno: TestOkno;
    let analyst: ApiClient;
    beforeAll(async () => {
      okno = await startTestOkno({ VALIDATION_WORKERS: '1' });
      analyst = await okno.signIn('analyst@okno.local');
      await analyst.post('/api/services', { code: 'large-service', title: 'Большая услуга', department: 'dep-arch' });
    });
    afterAll(async () => {
      await okno?.stop();
    });

    it('given 5,000-element models validating, when anyone asks for /api/health meanwhile, then every answer comes promptly', async () => {
      const xml = largeService(5000);
      const anonymous = okno.anonymous();
      // Warm up: the worker thread starts and loads its modules once.
      await analyst.post('/api/services/large-service/validate', { xml: largeService(300) });
      let validating = true;
      const started = performance.now();
      const validations = Promise.all(
        [1, 2, 3].map(() => analyst.post('/api/services/large-service/validate', { xml })),
      ).finally(() => {
        validating = false;
      });
      const latencies: number[] = [];
      await new Promise((r) => setTimeout(r, 100));
      while (validating) {
        const t = performance.now();
        const res = await anonymous.get('/api/health');
        expect(res.status).toBe(200);
        if (validating) latencies.push(performance.now() - t);
        await new Promise((r) => setTimeout(r, 20));
      }
      const results = await validations;
      const validationMs = performance.now() - started;
      for (const r of results) expect(r.status).toBe(200);
      // The validations kept the worker busy for a while, and health was asked many times meanwhile …
      expect(validationMs).toBeGreaterThan(500);
      expect(latencies.length).toBeGreaterThanOrEqual(5);
      // … and no answer waited for a validation (on the event loop one validation of this model takes ~0.7 s or more).
      expect(Math.max(...latencies)).toBeLessThan(400);
    });
  });
});
