// Type declarations for bpmn.io packages that ship without them (only what Okno uses).

declare module 'bpmn-js-properties-panel' {
  /** A diagram-js module definition. */
  const BpmnPropertiesPanelModule: Record<string, unknown>;
  const BpmnPropertiesProviderModule: Record<string, unknown>;
  const ZeebePropertiesProviderModule: Record<string, unknown>;
  export { BpmnPropertiesPanelModule, BpmnPropertiesProviderModule, ZeebePropertiesProviderModule };
}

declare module 'camunda-bpmn-js-behaviors/lib/camunda-cloud' {
  const ZeebeBehaviorsModule: Record<string, unknown>;
  export default ZeebeBehaviorsModule;
}

declare module 'bpmn-js-i18n/translations/ru.js' {
  const translations: Record<string, string>;
  export default translations;
}

declare module 'bpmn-js-differ' {
  interface ChangedEntry {
    model: { $type: string; id: string };
    attrs: Record<string, { oldValue: unknown; newValue: unknown }>;
  }
  /** Differences between two moddle definitions, keyed by element id. */
  export interface DiffResult {
    _added: Record<string, { $type: string; id: string }>;
    _removed: Record<string, { $type: string; id: string }>;
    _changed: Record<string, ChangedEntry>;
    _layoutChanged: Record<string, { $type: string; id: string }>;
  }
  export function diff(oldDefinitions: unknown, newDefinitions: unknown): DiffResult;
}

declare module 'bpmn-moddle' {
  /** bpmn-moddle's reader/writer (bpmn-js uses it inside; the tests use it directly). */
  export class BpmnModdle {
    constructor(packages?: Record<string, unknown>);
    create(type: string, attrs?: Record<string, unknown>): { $type: string; [property: string]: unknown };
    fromXML(
      xml: string,
      type?: string,
    ): Promise<{ rootElement: { $type: string; [property: string]: unknown }; warnings: unknown[] }>;
    toXML(element: unknown, options?: { format?: boolean }): Promise<{ xml: string }>;
  }
}
