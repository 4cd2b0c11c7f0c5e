// Builds BPMN XML (with a simple left-to-right diagram) from a compact description. Used for the
// package template and for new-service skeletons; analysts refine the result in the modeler.

export type NodeKind =
  | 'startEvent'
  | 'endEvent'
  | 'userTask'
  | 'serviceTask'
  | 'receiveTask'
  | 'callActivity'
  | 'exclusiveGateway'
  | 'parallelGateway'
  | 'boundaryEvent';

export interface NodeSpec {
  id: string;
  kind: NodeKind;
  name?: string;
  /** Inner extension XML (without the extensionElements wrapper). */
  extensions?: string;
  /** Other inner XML (event definitions, loop characteristics). */
  body?: string;
  /** Extra attributes on the element. */
  attrs?: Record<string, string>;
  /** For boundary events: the host activity. */
  attachedTo?: string;
  /** Preferred diagram row (0 = main line), e.g. 1 for a step on a side branch. */
  row?: number;
}

export interface FlowSpec {
  from: string;
  to: string;
  name?: string;
  /** FEEL condition, with the leading '='. */
  condition?: string;
  /** Marks this flow as its gateway's default. */
  isDefault?: boolean;
}

export interface ProcessSpec {
  id: string;
  name: string;
  /** Okno extension XML for the process (okno:service, okno:questionnaire, ...). */
  extensions: string;
  nodes: NodeSpec[];
  flows: FlowSpec[];
  /** Root-level BPMN elements such as messages (raw XML). */
  rootElements?: string;
}

/** Escapes text for an XML attribute or element. */
export function esc(v: string | number): string {
  return String(v).replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;').replace(/"/g, '&quot;');
}

/** Renders attributes, skipping undefined values. */
export function attrs(a: Record<string, string | number | boolean | undefined>): string {
  return Object.entries(a)
    .filter(([, v]) => v !== undefined && v !== '')
    .map(([k, v]) => ` ${k}="${esc(String(v))}"`)
    .join('');
}

const SIZE: Record<NodeKind, { w: number; h: number }> = {
  startEvent: { w: 36, h: 36 },
  endEvent: { w: 36, h: 36 },
  boundaryEvent: { w: 36, h: 36 },
  userTask: { w: 110, h: 80 },
  serviceTask: { w: 110, h: 80 },
  receiveTask: { w: 110, h: 80 },
  callActivity: { w: 110, h: 80 },
  exclusiveGateway: { w: 50, h: 50 },
  parallelGateway: { w: 50, h: 50 },
};

interface Box {
  x: number;
  y: number;
  w: number;
  h: number;
}

/** Lays nodes out in columns by longest path from the start; branches go to lower rows. */
function layout(spec: ProcessSpec): Map<string, Box> {
  const out = new Map<string, string[]>();
  const indeg = new Map<string, number>();
  const hosts = new Map(spec.nodes.filter((n) => n.attachedTo).map((n) => [n.id, n.attachedTo!]));
  for (const n of spec.nodes) {
    out.set(n.id, []);
    indeg.set(n.id, 0);
  }
  for (const f of spec.flows) {
    out.get(f.from)?.push(f.to);
    indeg.set(f.to, (indeg.get(f.to) ?? 0) + 1);
  }
  // A boundary event behaves as a successor of its host.
  for (const [b, host] of hosts) {
    out.get(host)?.push(b);
    indeg.set(b, (indeg.get(b) ?? 0) + 1);
  }
  // Kahn's order; back edges (loops) are ignored by taking nodes with all *seen* predecessors.
  const layer = new Map<string, number>();
  const order: string[] = [];
  const remaining = new Map(indeg);
  const queue = spec.nodes.filter((n) => (indeg.get(n.id) ?? 0) === 0).map((n) => n.id);
  const visited = new Set<string>();
  while (queue.length || visited.size < spec.nodes.length) {
    if (!queue.length) {
      const next = spec.nodes.find((n) => !visited.has(n.id))!;
      queue.push(next.id);
    }
    const id = queue.shift()!;
    if (visited.has(id)) continue;
    visited.add(id);
    order.push(id);
    if (!layer.has(id)) layer.set(id, 0);
    for (const t of out.get(id) ?? []) {
      const isBoundary = hosts.get(t) === id;
      layer.set(t, Math.max(layer.get(t) ?? 0, isBoundary ? layer.get(id)! : layer.get(id)! + 1));
      remaining.set(t, (remaining.get(t) ?? 1) - 1);
      if (remaining.get(t)! <= 0) queue.push(t);
    }
  }
  const rows = new Map<string, number>();
  const used = new Map<number, Set<number>>();
  const preds = new Map<string, string[]>();
  for (const f of spec.flows) preds.set(f.to, [...(preds.get(f.to) ?? []), f.from]);
  const boxes = new Map<string, Box>();
  const kind = new Map(spec.nodes.map((n) => [n.id, n.kind]));
  for (const id of order) {
    if (hosts.has(id)) continue;
    const l = layer.get(id)!;
    const taken = used.get(l) ?? new Set<number>();
    const pred =
      (preds.get(id) ?? [])
        .map((p) => (hosts.has(p) ? (rows.get(hosts.get(p)!) ?? 0) + 1 : rows.get(p)))
        .find((r) => r !== undefined) ?? 0;
    let row = spec.nodes.find((n) => n.id === id)?.row ?? pred;
    while (taken.has(row)) row++;
    taken.add(row);
    used.set(l, taken);
    rows.set(id, row);
    const s = SIZE[kind.get(id)!];
    const cx = 120 + l * 170;
    const cy = 140 + row * 140;
    boxes.set(id, { x: cx - s.w / 2, y: cy - s.h / 2, w: s.w, h: s.h });
  }
  for (const [b, host] of hosts) {
    const hb = boxes.get(host)!;
    const siblings = [...hosts].filter(([, h]) => h === host).map(([x]) => x);
    const i = siblings.indexOf(b);
    boxes.set(b, { x: hb.x + hb.w - 36 - i * 40, y: hb.y + hb.h - 18, w: 36, h: 36 });
  }
  return boxes;
}

/** Renders a complete BPMN definitions document with one process and its diagram. */
export function buildBpmn(spec: ProcessSpec): string {
  const flowId = (f: FlowSpec, i: number) =>
    `Flow_${f.from.replace(/^[A-Za-z]+_/, '')}_${f.to.replace(/^[A-Za-z]+_/, '')}_${i}`;
  const flows = spec.flows.map((f, i) => ({ ...f, id: flowId(f, i) }));
  const incoming = (id: string) =>
    flows
      .filter((f) => f.to === id)
      .map((f) => `      <bpmn:incoming>${f.id}</bpmn:incoming>\n`)
      .join('');
  const outgoing = (id: string) =>
    flows
      .filter((f) => f.from === id)
      .map((f) => `      <bpmn:outgoing>${f.id}</bpmn:outgoing>\n`)
      .join('');
  const nodes = spec.nodes
    .map((n) => {
      const def = flows.find((f) => f.from === n.id && f.isDefault);
      const a = attrs({ id: n.id, name: n.name, attachedToRef: n.attachedTo, default: def?.id, ...n.attrs });
      const ext = n.extensions
        ? `      <bpmn:extensionElements>\n${n.extensions}\n      </bpmn:extensionElements>\n`
        : '';
      return `    <bpmn:${n.kind}${a}>\n${ext}${incoming(n.id)}${outgoing(n.id)}${n.body ? `${n.body}\n` : ''}    </bpmn:${n.kind}>`;
    })
    .join('\n');
  const flowXml = flows
    .map((f) => {
      const a = attrs({ id: f.id, name: f.name, sourceRef: f.from, targetRef: f.to });
      if (!f.condition) return `    <bpmn:sequenceFlow${a} />`;
      return `    <bpmn:sequenceFlow${a}>\n      <bpmn:conditionExpression xsi:type="bpmn:tFormalExpression">${esc(f.condition)}</bpmn:conditionExpression>\n    </bpmn:sequenceFlow>`;
    })
    .join('\n');
  const boxes = layout(spec);
  const shapes = spec.nodes
    .map((n) => {
      const b = boxes.get(n.id)!;
      const marker = n.kind === 'exclusiveGateway' ? ' isMarkerVisible="true"' : '';
      return `      <bpmndi:BPMNShape id="${n.id}_di" bpmnElement="${n.id}"${marker}>\n        <dc:Bounds x="${b.x}" y="${b.y}" width="${b.w}" height="${b.h}" />\n      </bpmndi:BPMNShape>`;
    })
    .join('\n');
  const edges = flows
    .map((f) => {
      const s = boxes.get(f.from)!;
      const t = boxes.get(f.to)!;
      const isBoundary = spec.nodes.find((n) => n.id === f.from)?.kind === 'boundaryEvent';
      const pts: [number, number][] = [];
      if (isBoundary) {
        const sx = s.x + s.w / 2;
        pts.push([sx, s.y + s.h], [sx, t.y + t.h / 2], [t.x, t.y + t.h / 2]);
      } else {
        const sy = s.y + s.h / 2;
        const ty = t.y + t.h / 2;
        const sx = s.x + s.w;
        const tx = t.x;
        if (Math.abs(sy - ty) < 1 && tx > sx) pts.push([sx, sy], [tx, ty]);
        else if (tx > sx) {
          // Leave a gateway from its bottom/top, other shapes from the right side.
          const gw = s.w === 50;
          if (gw) pts.push([s.x + s.w / 2, ty > sy ? s.y + s.h : s.y], [s.x + s.w / 2, ty], [tx, ty]);
          else pts.push([sx, sy], [(sx + tx) / 2, sy], [(sx + tx) / 2, ty], [tx, ty]);
        } else {
          // Backwards: go round below both shapes.
          const below = Math.max(s.y + s.h, t.y + t.h) + 30;
          pts.push(
            [s.x + s.w / 2, s.y + s.h],
            [s.x + s.w / 2, below],
            [t.x + t.w / 2, below],
            [t.x + t.w / 2, t.y + t.h],
          );
        }
      }
      const wps = pts.map(([x, y]) => `        <di:waypoint x="${Math.round(x)}" y="${Math.round(y)}" />`).join('\n');
      return `      <bpmndi:BPMNEdge id="${f.id}_di" bpmnElement="${f.id}">\n${wps}\n      </bpmndi:BPMNEdge>`;
    })
    .join('\n');
  return `<?xml version="1.0" encoding="UTF-8"?>
<bpmn:definitions xmlns:bpmn="http://www.omg.org/spec/BPMN/20100524/MODEL" xmlns:bpmndi="http://www.omg.org/spec/BPMN/20100524/DI" xmlns:dc="http://www.omg.org/spec/DD/20100524/DC" xmlns:di="http://www.omg.org/spec/DD/20100524/DI" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" xmlns:zeebe="http://camunda.org/schema/zeebe/1.0" xmlns:modeler="http://camunda.org/schema/modeler/1.0" xmlns:okno="http://okno.city/schema/bpmn/1.0" id="Definitions_${spec.id}" targetNamespace="http://okno.city/bpmn" exporter="Okno" exporterVersion="1.0" modeler:executionPlatform="Camunda Cloud" modeler:executionPlatformVersion="8.8.0">
${spec.rootElements ?? ''}  <bpmn:process${attrs({ id: spec.id, name: spec.name })} isExecutable="true">
    <bpmn:extensionElements>
${spec.extensions}
    </bpmn:extensionElements>
${nodes}
${flowXml}
  </bpmn:process>
  <bpmndi:BPMNDiagram id="Diagram_${spec.id}">
    <bpmndi:BPMNPlane id="Plane_${spec.id}" bpmnElement="${spec.id}">
${shapes}
${edges}
    </bpmndi:BPMNPlane>
  </bpmndi:BPMNDiagram>
</bpmn:definitions>
`;
}

/** Extension XML of a user task: Camunda user task, form, candidate group and Okno step settings. */
export function userTaskExtensions(opts: {
  group: string;
  form?: string;
  deadline: number;
  unit?: string;
  checks?: string[];
}): string {
  const checks = (opts.checks ?? []).map((c) => `\n          <okno:checkDocument code="${esc(c)}" />`).join('');
  return [
    '        <zeebe:userTask />',
    opts.form ? `        <zeebe:formDefinition formId="${esc(opts.form)}" />` : '',
    `        <zeebe:assignmentDefinition candidateGroups="${esc(opts.group)}" />`,
    `        <okno:step deadline="${opts.deadline}" deadlineUnit="${opts.unit ?? 'workingDays'}"${checks ? `>${checks}\n        </okno:step>` : ' />'}`,
  ]
    .filter(Boolean)
    .join('\n');
}

/** Extension XML of a service task with a job type (and an external system, if any). */
export function jobExtensions(type: string, external?: string): string {
  return `        <zeebe:taskDefinition type="${esc(type)}" retries="3" />${external ? `\n        <okno:external system="${esc(external)}" />` : ''}`;
}
