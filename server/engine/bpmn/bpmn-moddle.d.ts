// bpmn-moddle ships types only under a sub-path export; the engine needs just this much.
declare module 'bpmn-moddle' {
  export class BpmnModdle {
    constructor(packages?: Record<string, object>);
    fromXML(xml: string): Promise<unknown>;
  }
}
