import type { ElementType, FlowElement } from '../bpmn/model.js';
import type { ElementInstance, InstanceState } from '../state/instance.js';
import type { Processor } from './processor.js';

/** Opens a planned wait (timer, message or signal subscription); a message wait names its advisory lock (state/message-locks.ts). */
export type Wait = (() => Promise<void>) & { lock?: string };

/** A step of a command, processed in order (like Zeebe's follow-up commands). */
export type Step =
  | {
      t: 'activate';
      pi: number;
      elementId: string;
      scopeKey: number;
      variables?: Record<string, unknown>;
      startId?: string;
    }
  | { t: 'run'; pi: number; key: number }
  | { t: 'complete'; pi: number; key: number; variables?: Record<string, unknown> }
  | { t: 'flow'; pi: number; flowId: string; scopeKey: number }
  | { t: 'scope'; pi: number; key: number }
  | { t: 'trigger'; pi: number; ownerKey: number; targetId: string; variables: Record<string, unknown> };

/** Element kinds that contain flow elements. */
export const CONTAINERS = new Set<ElementType>(['PROCESS', 'SUB_PROCESS', 'EVENT_SUB_PROCESS']);

/** What an element kind does when its element is activated (after its input mappings ran). */
export interface ElementBehaviour {
  /**
   * Resolves what the element needs (an expression failing throws an IncidentSignal before anything
   * changes), calls `activated()` to mark it ACTIVATED, then opens its waits, jobs or follow-up steps.
   */
  activate(p: Processor, a: Activation): Promise<void>;
}

/** An element being activated, as the behaviours see it. */
export interface Activation {
  state: InstanceState;
  el: ElementInstance;
  def: FlowElement;
  /** Marks the element ACTIVATED (and logs ELEMENT_ACTIVATED). */
  activated(): void;
}
