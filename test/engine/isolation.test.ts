import { describe, expect, it } from 'vitest';
import { fixture, isolateFixture } from '../helpers/engine.js';

// The harness renames what identifies a fixture so that runs against a shared cluster never meet.
describe('conformance harness: run isolation of fixtures', () => {
  it('given a BPMN fixture, when isolated, then process ids and their references, called process ids, job and listener types, message and signal names and form ids carry the suffix', () => {
    const xml = isolateFixture(
      [
        '<bpmn:definitions><bpmn:message id="Message_A" name="paid" /><bpmn:signal id="Signal_A" name="closed" />',
        '<bpmn:process id="parent" isExecutable="true"><bpmn:callActivity id="Call"><bpmn:extensionElements><zeebe:calledElement processId="child" /></bpmn:extensionElements></bpmn:callActivity>',
        '<bpmn:serviceTask id="Task"><bpmn:extensionElements><zeebe:taskDefinition type="work" retries="3" /></bpmn:extensionElements></bpmn:serviceTask>',
        '<bpmn:userTask id="User"><bpmn:extensionElements><zeebe:userTask /><zeebe:formDefinition formId="form-a" /><zeebe:taskListeners><zeebe:taskListener eventType="creating" type="listen" /></zeebe:taskListeners></bpmn:extensionElements></bpmn:userTask>',
        '<bpmn:messageEventDefinition messageRef="Message_A" /></bpmn:process>',
        '<bpmndi:BPMNDiagram><bpmndi:BPMNPlane id="Plane" bpmnElement="parent" /></bpmndi:BPMNDiagram></bpmn:definitions>',
      ].join(''),
      'x.bpmn',
      '_r1',
    );
    expect(xml).toContain('<bpmn:process id="parent_r1"');
    expect(xml).toContain('bpmnElement="parent_r1"');
    expect(xml).toContain('processId="child_r1"');
    expect(xml).toContain('type="work_r1" retries="3"');
    expect(xml).toContain('type="listen_r1"');
    expect(xml).toContain('formId="form-a_r1"');
    expect(xml).toContain('<bpmn:message id="Message_A" name="paid_r1"');
    expect(xml).toContain('<bpmn:signal id="Signal_A" name="closed_r1"');
    expect(xml).toContain('messageRef="Message_A"');
    expect(xml).toContain('<bpmn:serviceTask id="Task">');
  });

  it('given FEEL values for those attributes, when isolated, then the suffix is appended to the evaluated value', () => {
    const xml = isolateFixture(
      '<bpmn:process id="p"><zeebe:calledElement processId="=childId" /><zeebe:taskDefinition type="=&quot;check-&quot; + kind" /></bpmn:process>',
      'x.bpmn',
      '_r2',
    );
    expect(xml).toContain('processId="=(childId) + &quot;_r2&quot;"');
    expect(xml).toContain('type="=(&quot;check-&quot; + kind) + &quot;_r2&quot;"');
  });

  it('given a form fixture, when isolated, then its id carries the suffix', () => {
    const form = JSON.parse(isolateFixture(fixture('approval.form').toString(), 'approval.form', '_r3')) as {
      id: string;
      components: unknown[];
    };
    expect(form.id).toBe('approval-form_r3');
    expect(form.components).toHaveLength(1);
  });
});
