// The constructor's BPMN modeler: bpmn-js with the properties panel (Zeebe provider), Zeebe behaviours,
// the Zeebe and Okno moddle extensions and a translated UI, plus the operations the editor needs on
// Okno's extension elements. Every change goes through bpmn-js `modeling`, so it can be undone and marks
// the draft as changed. Never keep an instance in reactive state: hold it in a shallowRef / markRaw.
import Modeler from 'bpmn-js/lib/Modeler';
import {
  BpmnPropertiesPanelModule,
  BpmnPropertiesProviderModule,
  ZeebePropertiesProviderModule,
} from 'bpmn-js-properties-panel';
import ZeebeBehaviorsModule from 'camunda-bpmn-js-behaviors/lib/camunda-cloud';
import zeebeDescriptor from 'zeebe-bpmn-moddle/resources/zeebe.json';
import oknoDescriptor from '@okno-moddle/okno.json';
import type { Question, ReferenceDocument, ServiceMeta, Situation, Variant } from '@okno-moddle/index';
import {
  buildDocuments,
  buildQuestionnaire,
  buildService,
  buildSituations,
  buildStep,
  buildVariants,
  extensionOf,
  extensionsOf,
  readDocuments,
  readQuestions,
  readServiceCard,
  readServiceMeta,
  readSituations,
  readStep,
  readVariants,
  replaceExtension,
  type ModdleFactory,
  type ModdleNode,
  type StepSettings,
} from '../okno.model';
import { fitReadable, type FitCanvas } from './fit';
import { translateModule } from './translate';

/** A shape or connection of the diagram. */
export interface DiagramElement {
  id: string;
  type: string;
  businessObject: ModdleNode;
  labelTarget?: DiagramElement;
}

interface Modeling {
  updateModdleProperties(element: DiagramElement, target: ModdleNode, properties: Record<string, unknown>): void;
}
interface Canvas extends FitCanvas {
  getRootElement(): DiagramElement;
  addMarker(element: string | DiagramElement, marker: string): void;
  removeMarker(element: string | DiagramElement, marker: string): void;
  scrollToElement(element: DiagramElement): void;
}
interface ElementRegistry {
  get(id: string): DiagramElement | undefined;
  getAll(): DiagramElement[];
}
interface Selection {
  select(element: DiagramElement | null): void;
}
interface EventBus {
  on(event: string, callback: (event: { newSelection?: DiagramElement[] }) => void): void;
  off(event: string, callback: (event: { newSelection?: DiagramElement[] }) => void): void;
}
interface PropertiesPanel {
  attachTo(parent: HTMLElement): void;
}

/** The moddle extensions every Okno viewer and modeler needs. */
export const moddleExtensions = { zeebe: zeebeDescriptor, okno: oknoDescriptor };

/** What the editor's side panels show about the selected element. */
export interface SelectedElement {
  id: string;
  type: string;
  name: string;
}

/** A user task and the form it opens. */
export interface UserTaskForm {
  id: string;
  name: string;
  formId: string | null;
}

export const ROUTE_MARKER = 'okno-route';
/** Screen pixels the palette covers at the canvas's left edge. */
const PALETTE_WIDTH = 110;

/** bpmn-js Modeler with Okno's modules and its extension-element operations. */
export class OknoModeler {
  readonly modeler: Modeler;

  constructor(options: { container: HTMLElement; propertiesParent?: HTMLElement; locale: string }) {
    this.modeler = new Modeler({
      container: options.container,
      propertiesPanel: options.propertiesParent ? { parent: options.propertiesParent } : undefined,
      additionalModules: [
        BpmnPropertiesPanelModule,
        BpmnPropertiesProviderModule,
        ZeebePropertiesProviderModule,
        ZeebeBehaviorsModule,
        translateModule(options.locale),
      ],
      moddleExtensions,
    });
  }

  private get<T>(name: string): T {
    return this.modeler.get<T>(name);
  }

  /** Opens a diagram and fits it into the view; returns import warnings. */
  async open(xml: string): Promise<string[]> {
    const { warnings } = await this.modeler.importXML(xml);
    this.fit();
    return warnings.map(String);
  }

  /** Shows the diagram at a readable zoom, clear of the palette. */
  fit(): void {
    fitReadable(this.get<Canvas>('canvas'), PALETTE_WIDTH);
  }

  /** The current BPMN XML. */
  async xml(): Promise<string> {
    const { xml } = await this.modeler.saveXML({ format: true });
    if (!xml) throw new Error('The modeler produced no XML');
    return xml;
  }

  /** Calls back on every change of the diagram (edit, undo, redo); returns an unsubscribe function. */
  onChange(callback: () => void): () => void {
    const bus = this.get<EventBus>('eventBus');
    const handler = () => callback();
    bus.on('commandStack.changed', handler);
    return () => bus.off('commandStack.changed', handler);
  }

  /** Calls back when the selection changes with the single selected element (or null). */
  onSelect(callback: (element: SelectedElement | null) => void): () => void {
    const bus = this.get<EventBus>('eventBus');
    const handler = (e: { newSelection?: DiagramElement[] }) => {
      const picked = e.newSelection?.length === 1 ? (e.newSelection[0].labelTarget ?? e.newSelection[0]) : null;
      callback(
        picked
          ? { id: picked.id, type: String(picked.businessObject.$type), name: String(picked.businessObject.name ?? '') }
          : null,
      );
    };
    bus.on('selection.changed', handler);
    return () => bus.off('selection.changed', handler);
  }

  private get moddle(): ModdleFactory {
    return this.get<ModdleFactory>('moddle');
  }

  /** The diagram element carrying the process (the root, or the participant of a collaboration). */
  private processHolder(): DiagramElement {
    const root = this.get<Canvas>('canvas').getRootElement();
    if (root.businessObject.$type === 'bpmn:Collaboration') {
      const participant = this.get<ElementRegistry>('elementRegistry')
        .getAll()
        .find((e) => e.businessObject.$type === 'bpmn:Participant' && e.businessObject.processRef);
      if (participant) return participant;
    }
    return root;
  }

  /** The bpmn:Process business object. */
  process(): ModdleNode {
    const holder = this.processHolder();
    return holder.businessObject.$type === 'bpmn:Participant'
      ? (holder.businessObject.processRef as ModdleNode)
      : holder.businessObject;
  }

  /** Okno's process-level data: card, situations, questionnaire, documents, variants. */
  readService() {
    const process = this.process();
    return {
      card: readServiceCard(process),
      meta: readServiceMeta(process),
      situations: readSituations(process),
      questions: readQuestions(process),
      documents: readDocuments(process),
      variants: readVariants(process),
    };
  }

  /** Replaces (or adds, or removes) one extension element of a business object, as undoable commands. */
  private setExtension(element: DiagramElement, bo: ModdleNode, type: string, next: ModdleNode | null): void {
    const modeling = this.get<Modeling>('modeling');
    let ext = bo.extensionElements as ModdleNode | undefined;
    if (!ext) {
      if (!next) return;
      ext = this.moddle.create('bpmn:ExtensionElements', { values: [] });
      ext.$parent = bo;
      modeling.updateModdleProperties(element, bo, { extensionElements: ext });
    }
    if (next) next.$parent = ext;
    modeling.updateModdleProperties(element, ext, { values: replaceExtension(extensionsOf(bo), type, next) });
  }

  /** Writes the questionnaire (life-situation tree) into the process. */
  setQuestions(questions: Question[]): void {
    this.setExtension(
      this.processHolder(),
      this.process(),
      'okno:Questionnaire',
      buildQuestionnaire(this.moddle, questions),
    );
  }

  /** Writes the reference document list into the process. */
  setDocuments(documents: ReferenceDocument[]): void {
    this.setExtension(this.processHolder(), this.process(), 'okno:Documents', buildDocuments(this.moddle, documents));
  }

  /** Writes the declared life situations into the process. */
  setSituations(situations: Situation[]): void {
    this.setExtension(
      this.processHolder(),
      this.process(),
      'okno:Situations',
      buildSituations(this.moddle, situations),
    );
  }

  /** Writes the service card (okno:service) into the process. */
  setServiceMeta(meta: ServiceMeta): void {
    this.setExtension(this.processHolder(), this.process(), 'okno:Service', buildService(this.moddle, meta));
  }

  /** Writes the variants (routes and their deadlines) into the process. */
  setVariants(variants: Variant[]): void {
    this.setExtension(this.processHolder(), this.process(), 'okno:Variants', buildVariants(this.moddle, variants));
  }

  /** Whether the diagram has an element with this id. */
  has(id: string): boolean {
    return Boolean(this.get<ElementRegistry>('elementRegistry').get(id));
  }

  /** Selects an element and scrolls it into view; false when there is none with this id. */
  select(id: string): boolean {
    const element = this.get<ElementRegistry>('elementRegistry').get(id);
    if (!element) return false;
    this.get<Selection>('selection').select(element);
    if (element.id !== this.get<Canvas>('canvas').getRootElement().id)
      this.get<Canvas>('canvas').scrollToElement(element);
    return true;
  }

  /** Okno settings of a user task. */
  readStep(id: string): StepSettings | null {
    const element = this.get<ElementRegistry>('elementRegistry').get(id);
    if (!element || element.businessObject.$type !== 'bpmn:UserTask') return null;
    return readStep(element.businessObject);
  }

  /** Writes a user task's deadline, checked documents (okno:step) and candidate groups (zeebe:assignmentDefinition). */
  writeStep(id: string, step: StepSettings): void {
    const element = this.get<ElementRegistry>('elementRegistry').get(id);
    if (!element) return;
    const bo = element.businessObject;
    this.setExtension(element, bo, 'okno:Step', buildStep(this.moddle, step));
    const assignment = extensionOf(bo, 'zeebe:AssignmentDefinition');
    const groups = step.candidateGroups.join(',');
    if (assignment) {
      if ((assignment.candidateGroups ?? '') !== groups)
        this.get<Modeling>('modeling').updateModdleProperties(element, assignment, {
          candidateGroups: groups || undefined,
        });
    } else if (groups) {
      this.setExtension(
        element,
        bo,
        'zeebe:AssignmentDefinition',
        this.moddle.create('zeebe:AssignmentDefinition', { candidateGroups: groups }),
      );
    }
  }

  /** User tasks with the form each opens. */
  userTasks(): UserTaskForm[] {
    return this.get<ElementRegistry>('elementRegistry')
      .getAll()
      .filter((e) => e.businessObject.$type === 'bpmn:UserTask' && e.type !== 'label')
      .map((e) => ({
        id: e.id,
        name: String(e.businessObject.name ?? ''),
        formId: (extensionOf(e.businessObject, 'zeebe:FormDefinition')?.formId as string | undefined) ?? null,
      }));
  }

  /** Links a user task to a form (zeebe:formDefinition formId). */
  setTaskForm(taskId: string, formId: string): void {
    const element = this.get<ElementRegistry>('elementRegistry').get(taskId);
    if (!element) return;
    const existing = extensionOf(element.businessObject, 'zeebe:FormDefinition');
    if (existing) this.get<Modeling>('modeling').updateModdleProperties(element, existing, { formId });
    else
      this.setExtension(
        element,
        element.businessObject,
        'zeebe:FormDefinition',
        this.moddle.create('zeebe:FormDefinition', { formId }),
      );
  }

  /** Marks elements (e.g. the route of a "Try it" case); clears the marker elsewhere. */
  highlight(ids: readonly string[], marker = ROUTE_MARKER): void {
    this.clearHighlight(marker);
    const registry = this.get<ElementRegistry>('elementRegistry');
    const canvas = this.get<Canvas>('canvas');
    for (const id of ids) if (registry.get(id)) canvas.addMarker(id, marker);
  }

  /** Removes a marker from every element. */
  clearHighlight(marker = ROUTE_MARKER): void {
    const canvas = this.get<Canvas>('canvas');
    for (const e of this.get<ElementRegistry>('elementRegistry').getAll()) canvas.removeMarker(e, marker);
  }

  /** Whether an id is used by a diagram element (for fresh questionnaire ids). */
  isTaken = (id: string): boolean => this.has(id);

  /** Attaches the properties panel to a (new) parent element. */
  attachProperties(parent: HTMLElement): void {
    this.get<PropertiesPanel>('propertiesPanel').attachTo(parent);
  }

  /** Tells the canvas its container was resized or shown again. */
  resized(): void {
    this.get<Canvas>('canvas').resized();
  }

  destroy(): void {
    this.modeler.destroy();
  }
}
